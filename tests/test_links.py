"""Launch links: one lesson table and one repository address give every Binder, hub and Colab link.

Links are checked by parsing them back (urllib.parse) rather than against strings the code
produced; the expected shapes come from the issue and the services' docs: mybinder.org
(``/v2/gh/<owner>/<repo>/<ref>?urlpath=...``), nbgitpuller (``/hub/user-redirect/git-pull`` with
``repo``, ``branch``, ``urlpath``, ``targetpath``) and Colab (``/github/<owner>/<repo>/blob/<ref>/<path>``).
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from margin_lab import links
from margin_lab.links import (
    LESSONS,
    binder_badge,
    binder_url,
    colab_setup_cell,
    colab_url,
    find_lesson,
    links_report,
    main,
    nbgitpuller_url,
    readme_block,
    repository,
    repository_url,
)

ROOT = Path(__file__).resolve().parents[1]
REPO = "https://github.com/margin-lab/margin-lab"
FORK = "https://github.com/some-teacher/margin-fork"
HUB = "https://hub.example.edu"
EXPECTED_FILES = [
    "00_start_here.ipynb", "01_margin_leverage_equity.ipynb", "02_isolated_setup.ipynb",
    "03_liquidation_mechanics.ipynb", "04_managing_isolated.ipynb", "05_cross_margin.ipynb",
    "06_choosing_a_mode.ipynb", "07_venues_differ.ipynb", "08_capstone.ipynb",
    "09_collateral_in_the_coin.ipynb",
]


def _query(url: str) -> dict[str, str]:
    pairs = parse_qs(urlsplit(url).query, strict_parsing=True)
    assert all(len(values) == 1 for values in pairs.values()), url
    return {key: values[0] for key, values in pairs.items()}


def _tool(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the lesson table ---------------------------------------------------------------------------

def test_the_lesson_table_lists_the_ten_lessons_in_order():
    assert [item.file for item in LESSONS] == EXPECTED_FILES
    assert [item.number for item in LESSONS] == list(range(10))
    for item in LESSONS:
        assert item.file.startswith(f"{item.number:02d}_")
        assert item.minutes > 0 and item.title and item.objectives.endswith(".")


def test_a_lesson_is_found_by_number_file_name_stem_or_path():
    third = LESSONS[3]
    for key in (3, "03_liquidation_mechanics.ipynb", "03_liquidation_mechanics", "lessons/03_liquidation_mechanics.ipynb", third):
        assert find_lesson(key) is third


def test_an_unknown_lesson_is_refused_with_the_known_ones_listed():
    with pytest.raises(ValueError, match=r"lesson must be one of 0 \(00_start_here.ipynb\).*got 10"):
        find_lesson(10)
    with pytest.raises(TypeError, match="lesson must be .* got True of type bool"):
        find_lesson(True)


def _opening(notebook: Path) -> str:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return next("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def test_every_lesson_notebook_on_disk_is_in_the_table_with_its_own_title_and_time():
    on_disk = sorted(p.name for p in (ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
    assert set(on_disk) <= set(EXPECTED_FILES), f"add {sorted(set(on_disk) - set(EXPECTED_FILES))} to LESSONS in margin_lab/links.py"
    for name in on_disk:
        item, opening = find_lesson(name), _opening(ROOT / "lessons" / name)
        heading = re.search(r"^# (.+)$", opening, re.M)
        time = re.search(r"\*\*Time:\*\*\s*(\d+)\s*minutes", opening)
        hint = "update LESSONS in margin_lab/links.py, then run python tools/update_readme_links.py"
        assert heading and heading[1].strip().casefold() == item.label.casefold(), f"{name}: opens with {heading and heading[1]!r}, table says {item.label!r}; {hint}"
        assert time and int(time[1]) == item.minutes, f"{name}: {time and time[0]!r}, table says {item.minutes} minutes; {hint}"


# --- the repository address, written once ------------------------------------------------------

def test_the_repository_address_comes_from_pyproject_project_urls():
    text = (ROOT / "pyproject.toml").read_text()
    written = re.search(r'^\[project\.urls\][^\[]*?^Repository\s*=\s*"([^"]+)"', text, re.M | re.S)[1]
    assert repository_url() == written
    assert binder_url().startswith("https://mybinder.org/v2/gh/" + written.removeprefix("https://github.com/") + "/")


def test_a_forks_pyproject_line_changes_the_address_and_other_projects_are_ignored(tmp_path):
    fork = tmp_path / "pyproject.toml"
    fork.write_text(f'[project]\nname = "margin-lab"\n[project.urls]\nRepository = "{FORK}"\n')
    assert links._url_from_pyproject(fork) == FORK
    fork.write_text(f'[project]\nname = "other-course"\n[project.urls]\nRepository = "{FORK}"\n')
    assert links._url_from_pyproject(fork) is None
    assert links._url_from_pyproject(tmp_path / "missing.toml") is None


def test_an_installed_distribution_gives_the_address_through_its_project_url_metadata(tmp_path):
    info = tmp_path / "margin_lab-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: margin-lab\nVersion: 0.1.0\n"
        f"Project-URL: Homepage, https://example.org\nProject-URL: Repository, {FORK}\n"
    )
    assert links._url_from_metadata([str(tmp_path)]) == FORK
    assert links._url_from_metadata([str(tmp_path / "empty")]) is None


def test_a_fork_address_changes_every_link():
    report = links_report(HUB, repo=FORK, format="text") + readme_block(repo=FORK) + colab_setup_cell(repo=FORK)
    assert "margin-lab/margin-lab" not in report and "margin-lab%2Fmargin-lab" not in report
    assert report.count("some-teacher/margin-fork") >= 2 * len(LESSONS)


def test_repository_addresses_are_normalised_and_nonsense_is_refused():
    assert repository(REPO + ".git/").url == REPO
    assert (repository(FORK).owner, repository(FORK).name) == ("some-teacher", "margin-fork")
    for bad in ("github.com/margin-lab/margin-lab", "https://github.com/margin-lab", "ftp://github.com/a/b",
                "https://github.com/a/b/tree/main", "https://github.com/a/b?x=1", "https://github.com/a b/c",
                "https://github.com/a/.git"):
        with pytest.raises(ValueError, match="repo must be a repository address"):
            repository(bad)
    with pytest.raises(TypeError, match="repo must be a string"):
        repository(42)


# --- Binder -------------------------------------------------------------------------------------

def test_the_whole_course_binder_link_opens_lesson_zero_in_jupyterlab():
    url = urlsplit(binder_url(repo=REPO))
    assert (url.scheme, url.netloc, url.path) == ("https", "mybinder.org", "/v2/gh/margin-lab/margin-lab/main")
    assert _query(binder_url(repo=REPO)) == {"urlpath": "lab/tree/lessons/student/00_start_here.ipynb"}
    assert _query(binder_url(repo=REPO, solutions=True)) == {"urlpath": "lab/tree/lessons/00_start_here.ipynb"}


@pytest.mark.parametrize("item", LESSONS, ids=lambda item: item.file)
def test_each_lesson_binder_link_opens_that_notebook_alone(item):
    assert _query(binder_url(item, repo=REPO, branch="spring-2026")) == {"urlpath": f"doc/tree/lessons/student/{item.file}"}
    assert _query(binder_url(item, repo=REPO, solutions=True)) == {"urlpath": f"doc/tree/lessons/{item.file}"}
    assert urlsplit(binder_url(item, repo=REPO, branch="spring-2026")).path.endswith("/spring-2026")


def test_a_branch_with_a_slash_stays_one_segment_of_the_binder_path():
    path = urlsplit(binder_url(repo=REPO, branch="class/2026")).path
    assert path == "/v2/gh/margin-lab/margin-lab/class%2F2026"


def test_binder_and_colab_need_github_but_nbgitpuller_takes_any_host():
    elsewhere = "https://gitlab.example.org/teach/margin-lab"
    for make in (lambda: binder_url(repo=elsewhere), lambda: colab_url(0, repo=elsewhere)):
        with pytest.raises(ValueError, match="repo must be on github.com"):
            make()
    assert _query(nbgitpuller_url(HUB, repo=elsewhere))["repo"] == elsewhere


def test_the_binder_badge_is_the_badge_image_linking_to_the_course():
    badge = binder_badge(repo=REPO)
    match = re.fullmatch(r"\[!\[([^\]]+)\]\((\S+)\)\]\((\S+)\)", badge)
    assert match and match[2] == "https://mybinder.org/badge_logo.svg" and match[3] == binder_url(repo=REPO)


# --- nbgitpuller --------------------------------------------------------------------------------

def test_an_nbgitpuller_link_pulls_the_repository_and_opens_the_lesson_in_its_clone():
    url = nbgitpuller_url(HUB + "/", 5, repo=REPO, branch="main")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "hub.example.edu", "/hub/user-redirect/git-pull")
    assert _query(url) == {"repo": REPO, "branch": "main", "urlpath": "lab/tree/margin-lab/lessons/student/05_cross_margin.ipynb"}


def test_without_a_lesson_the_hub_link_opens_lesson_zero():
    assert _query(nbgitpuller_url(HUB, repo=REPO))["urlpath"] == "lab/tree/margin-lab/lessons/student/00_start_here.ipynb"


def test_a_hub_under_a_path_prefix_keeps_it():
    assert urlsplit(nbgitpuller_url("https://example.edu/jupyter/", repo=REPO)).path == "/jupyter/hub/user-redirect/git-pull"


def test_another_clone_folder_is_sent_as_targetpath_and_used_in_urlpath():
    query = _query(nbgitpuller_url(HUB, 2, repo=REPO, clone_dir="margin-course"))
    assert query["targetpath"] == "margin-course"
    assert query["urlpath"] == "lab/tree/margin-course/lessons/student/02_isolated_setup.ipynb"
    assert "targetpath" not in _query(nbgitpuller_url(HUB, 2, repo=REPO, clone_dir="margin-lab"))


branch_names = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_+&=%#-]{0,12}(/[A-Za-z0-9_+&=%#-]{1,8})?", fullmatch=True)
folders = st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_+&=%#.-]{0,15}", fullmatch=True).filter(lambda s: s not in (".", ".."))


@settings(max_examples=150, deadline=None)
@given(branch=branch_names, folder=folders, number=st.integers(0, 8))
def test_every_value_survives_url_encoding_exactly(branch, folder, number):
    query = _query(nbgitpuller_url(HUB, number, repo=REPO, branch=branch, clone_dir=folder))
    assert query["branch"] == branch and query["repo"] == REPO
    assert query["urlpath"] == f"lab/tree/{folder}/lessons/student/{LESSONS[number].file}"
    assert not re.search(r"\s", nbgitpuller_url(HUB, number, repo=REPO, branch=branch, clone_dir=folder))


@pytest.mark.parametrize("hub", ["hub.example.edu", "ftp://hub.example.edu", "https://", "https://hub.example.edu/?next=x",
                                 "https://hub.example.edu/#top", "https://user:pw@hub.example.edu", "https://hub example.edu", ""])
def test_a_hub_that_is_not_an_http_address_is_refused_by_name(hub):
    with pytest.raises(ValueError, match=r"hub must be"):
        nbgitpuller_url(hub, repo=REPO)


@pytest.mark.parametrize("branch", ["", "my branch", "a..b", "-x", "x/", "x.lock", "a~1", "a:b", "a\\b", "x@{1}", ".hidden"])
def test_a_branch_git_would_refuse_is_refused_by_name(branch):
    with pytest.raises(ValueError, match="branch must be"):
        binder_url(repo=REPO, branch=branch)


@pytest.mark.parametrize("folder", ["a/b", "..", ".", "with space", ""])
def test_a_clone_folder_must_be_one_folder_name(folder):
    with pytest.raises(ValueError, match="clone_dir must be"):
        nbgitpuller_url(HUB, repo=REPO, clone_dir=folder)


def test_a_hub_parent_path_goes_into_urlpath_but_not_into_the_clone_arguments():
    # nbgitpuller clones into <server root>/<NBGITPULLER_PARENTPATH>/<targetpath>; urlpath is
    # relative to the server root, so it must name the parent folder, and targetpath must not.
    query = _query(nbgitpuller_url(HUB, 4, repo=REPO, parent_path="courses/fall/"))
    assert query["urlpath"] == "lab/tree/courses/fall/margin-lab/lessons/student/04_managing_isolated.ipynb"
    assert "targetpath" not in query
    query = _query(nbgitpuller_url(HUB, 4, repo=REPO, parent_path="courses", clone_dir="ml"))
    assert (query["targetpath"], query["urlpath"]) == ("ml", "lab/tree/courses/ml/lessons/student/04_managing_isolated.ipynb")


@pytest.mark.parametrize("parent", ["/home/jovyan", "~/courses", "a/../b", "with space", "./x", ""])
def test_a_parent_path_outside_the_home_folder_is_refused_by_name(parent):
    with pytest.raises(ValueError, match="parent_path must be"):
        nbgitpuller_url(HUB, repo=REPO, parent_path=parent)


def test_solutions_must_be_a_boolean():
    with pytest.raises(TypeError, match="solutions must be True or False, got 'yes'"):
        binder_url(3, repo=REPO, solutions="yes")


# --- Colab --------------------------------------------------------------------------------------

@pytest.mark.parametrize("item", LESSONS, ids=lambda item: item.file)
def test_each_colab_link_opens_the_notebook_from_github(item):
    url = urlsplit(colab_url(item, repo=REPO, branch="main"))
    assert (url.netloc, url.path) == ("colab.research.google.com", f"/github/margin-lab/margin-lab/blob/main/lessons/student/{item.file}")
    assert urlsplit(colab_url(item, repo=REPO, solutions=True)).path.endswith(f"/blob/main/lessons/{item.file}")


def test_the_colab_setup_cell_installs_this_repository_and_enables_widgets():
    first, second = colab_setup_cell(repo=FORK, branch="spring").splitlines()
    assert first == f'%pip install --quiet "margin-lab @ git+{FORK}@spring"'
    assert "enable_custom_widget_manager()" in second


# --- reports and the command line ---------------------------------------------------------------

def test_the_text_report_lists_three_links_per_lesson_and_two_for_the_course():
    text = links_report(HUB, repo=REPO, format="text")
    urls = re.findall(r"https://\S+", text)
    assert sum("mybinder.org/v2" in u for u in urls) == len(LESSONS) + 1
    assert sum("/hub/user-redirect/git-pull" in u for u in urls) == len(LESSONS) + 1
    assert sum(u.startswith("https://colab.research.google.com/github/") for u in urls) == len(LESSONS)
    for item in LESSONS:
        assert f"{item.label} ({item.minutes} minutes)" in text


def test_the_markdown_report_is_a_table_with_one_row_per_lesson_plus_the_course():
    rows = [line for line in links_report(HUB, repo=REPO).splitlines() if line.startswith("| ")]
    assert len(rows) == 1 + 1 + len(LESSONS)  # header, whole course, lessons
    assert all(row.count(" | ") == 4 for row in rows)


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="format must be one of 'markdown', 'text', got 'html'"):
        links_report(HUB, repo=REPO, format="html")


def test_the_command_line_prints_the_report(capsys):
    assert main(["--hub", HUB, "--repo", FORK, "--branch", "spring", "--format", "text"]) == 0
    assert capsys.readouterr().out == links_report(HUB, repo=FORK, branch="spring", format="text") + "\n"


def test_the_command_line_names_a_bad_hub_and_exits_2(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--hub", "hub.example.edu"])
    assert stop.value.code == 2
    assert "hub must be an http(s) address" in capsys.readouterr().err


def test_the_command_line_prints_student_links_by_default_and_solutions_only_when_asked(capsys):
    main(["--hub", HUB, "--repo", REPO, "--format", "text"])
    student = capsys.readouterr().out
    main(["--hub", HUB, "--repo", REPO, "--format", "text", "--student"])
    assert capsys.readouterr().out == student
    main(["--hub", HUB, "--repo", REPO, "--format", "text", "--solutions"])
    solutions = capsys.readouterr().out
    for text, inside in ((student, True), (solutions, False)):
        paths = [urlsplit(u).path + "?" + urlsplit(u).query for u in re.findall(r"https://\S+", text)]
        opened = [p for p in paths if ".ipynb" in p.replace("%2F", "/")]
        assert len(opened) == 3 * len(LESSONS) + 2
        assert all(("lessons/student/" in p.replace("%2F", "/")) is inside for p in opened), opened
    assert "WITH their worked answers" in solutions and "no answers shown" in student
    with pytest.raises(SystemExit):
        main(["--hub", HUB, "--student", "--solutions"])


def test_the_command_line_reads_the_hub_s_parent_path_variable(capsys, monkeypatch):
    monkeypatch.setenv("NBGITPULLER_PARENTPATH", "courses")
    main(["--hub", HUB, "--repo", REPO, "--format", "text"])
    assert "urlpath=lab%2Ftree%2Fcourses%2Fmargin-lab%2Flessons%2Fstudent%2F00_start_here.ipynb" in capsys.readouterr().out
    main(["--hub", HUB, "--repo", REPO, "--format", "text", "--parent-path", "other"])
    assert "lab%2Ftree%2Fother%2Fmargin-lab%2F" in capsys.readouterr().out


def test_the_links_helper_runs_with_the_standard_library_alone():
    """python -m margin_lab.links from a bare checkout: any import outside the standard library
    (numpy, matplotlib, ipywidgets, or anything installed) is refused, and it still works."""
    guard = (
        "import sys, runpy\n"
        "class StdlibOnly:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        top = name.split('.')[0]\n"
        "        if top not in sys.stdlib_module_names and top != 'margin_lab':\n"
        "            raise ImportError(f'not in the standard library: {name}')\n"
        "sys.meta_path.insert(0, StdlibOnly())\n"
        "runpy.run_module('margin_lab.links', run_name='__main__', alter_sys=True)\n"
    )
    # -S: no site-packages at all, as in a Python without the course's environment.
    result = subprocess.run([sys.executable, "-S", "-c", guard, "--hub", HUB, "--format", "text"],
                            capture_output=True, text=True, cwd=ROOT, timeout=60, env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert "lessons%2Fstudent%2F08_capstone.ipynb" in result.stdout


def test_make_links_uses_any_python_and_does_not_build_the_test_environment():
    result = subprocess.run(["make", "-n", "links", f"HUB={HUB}", "PYTHON=python3.99"], capture_output=True,
                            text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "pip install" not in result.stdout and "-m venv" not in result.stdout
    assert "python3.99 -m margin_lab.links" in result.stdout


def test_python_dash_m_runs_the_command_line_and_pyproject_maps_the_console_script():
    result = subprocess.run([sys.executable, "-W", "error", "-m", "margin_lab.links", "--hub", HUB],
                            capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"## margin-lab links: {repository_url()} (branch main), hub {HUB}")
    assert 'margin-lab-links = "margin_lab.links:main"' in (ROOT / "pyproject.toml").read_text()


# --- README blocks ------------------------------------------------------------------------------

def test_the_readme_block_links_each_lesson_file_relative_to_the_readme():
    for prefix in ("lessons/", ""):
        block = readme_block(repo=REPO, lesson_prefix=prefix)
        for item in LESSONS:
            assert f"[{item.label}]({prefix}student/{item.file})" in block
            assert f"[Binder]({binder_url(item, repo=REPO)})" in block and f"[Colab]({colab_url(item, repo=REPO)})" in block
    assert f"{sum(item.minutes for item in LESSONS)} minutes" in readme_block(repo=REPO)


def test_the_generated_block_in_lessons_readme_is_current():
    tool = _tool("update_readme_links")
    readme = ROOT / "lessons" / "README.md"
    assert tool.lesson_prefix(readme) == "" and tool.lesson_prefix(ROOT / "README.md") == "lessons/"
    assert readme.read_text(encoding="utf-8") == tool.expected_text(readme), (
        "lessons/README.md is stale: run python tools/update_readme_links.py"
    )


def test_the_readme_tool_rewrites_only_between_the_markers_and_check_mode_writes_nothing(tmp_path):
    tool = _tool("update_readme_links")
    readme = tmp_path / "README.md"
    readme.write_text("# Course\n\n<!-- links:start -->\nold table\n<!-- links:end -->\n\nKeep me.\n")
    assert tool.main([str(readme), "--check", "--repo", FORK]) == 1
    assert "old table" in readme.read_text()
    assert tool.main([str(readme), "--repo", FORK]) == 0
    text = readme.read_text()
    assert text.startswith("# Course\n\n<!-- links:start -->\n") and text.endswith("<!-- links:end -->\n\nKeep me.\n")
    assert "old table" not in text and "some-teacher/margin-fork" in text
    assert tool.main([str(readme), "--check", "--repo", FORK]) == 0


@pytest.mark.parametrize("text", ["no markers\n", "<!-- links:end -->\n<!-- links:start -->\n",
                                  "<!-- links:start -->\n<!-- links:start -->\n<!-- links:end -->\n"])
def test_the_readme_tool_refuses_missing_or_misordered_markers(text):
    with pytest.raises(ValueError, match="must hold one line"):
        _tool("update_readme_links").replace_block(text, "block")
