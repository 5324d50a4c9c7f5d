"""margin_lab.about: the setup check, the versions table (and its nbval sanitizing), the widget test."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from margin_lab.about import about, check_setup, versions, widget_demo

ROOT = Path(__file__).resolve().parents[1]
SANITIZE = ROOT / "lessons" / "nbval_sanitize.cfg"


def _sanitize(text: str) -> str:
    """Apply lessons/nbval_sanitize.cfg exactly as nbval does."""
    from nbval.plugin import get_sanitize_patterns

    for regex, replace in get_sanitize_patterns(SANITIZE.read_text(encoding="utf-8")):
        text = re.sub(regex, replace, text)
    return text


def test_check_setup_is_silent_when_everything_is_installed(capsys):
    check_setup()
    assert capsys.readouterr() == ("", "")


def test_check_setup_names_every_missing_package_how_to_install_and_which_python():
    with pytest.raises(ModuleNotFoundError) as caught:
        check_setup(["numpy", "no_such_package_a", "no_such_package_b"])
    message = str(caught.value)
    assert message.startswith("margin-lab needs no_such_package_a, no_such_package_b; install with:")
    assert "pip install -e ." in message and "restart the kernel" in message
    assert sys.executable in message
    assert caught.value.name == "no_such_package_a"


@pytest.mark.parametrize("folder, root", [("lessons", ".."), ("lessons/student", "../.."), (".", ".")])
def test_check_setup_names_the_repository_root_as_seen_from_the_notebooks_folder(monkeypatch, folder, root):
    repository = Path(__file__).resolve().parents[1]
    monkeypatch.chdir(repository / folder)
    with pytest.raises(ModuleNotFoundError) as caught:
        check_setup(["no_such_package_a"])
    message = str(caught.value)
    assert f"%pip install -e {root} in a cell of this notebook" in message
    assert (repository / folder / root / "pyproject.toml").is_file()  # the path the message names is the root
    assert str(repository / folder) in message and "pip install -e . in a terminal" in message


def test_check_setup_refuses_a_single_string():
    with pytest.raises(TypeError, match="packages must be a sequence of import names, got the string 'numpy'"):
        check_setup("numpy")


def test_about_prints_python_as_major_minor_and_each_package_version(capsys):
    import ipywidgets
    import matplotlib
    import numpy

    import margin_lab

    about()
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Versions in use:"
    table = dict(line.split() for line in lines[1:])
    assert table == {
        "Python": f"{sys.version_info.major}.{sys.version_info.minor}",
        "margin-lab": margin_lab.__version__,
        "numpy": numpy.__version__,
        "matplotlib": matplotlib.__version__,
        "ipywidgets": ipywidgets.__version__,
    }


def test_versions_reports_a_missing_package_instead_of_failing():
    assert versions(["no_such_package_a"])["no_such_package_a"] == "not installed"


def test_check_setup_and_about_import_nothing_heavy():
    code = (
        "import sys; from margin_lab.about import about, check_setup; check_setup(); about(); "
        "print(sorted(m for m in ('numpy', 'matplotlib', 'ipywidgets', 'IPython') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines()[-1] == "[]"


def test_sanitizing_hides_only_the_version_column_of_about(capsys):
    about()
    printed = capsys.readouterr().out
    sanitized = _sanitize(printed)
    assert re.fullmatch(r"Versions in use:\n(  [\w-]+ +VERSION\n){5}", sanitized), sanitized
    assert _sanitize(printed.replace(versions()["numpy"], "9.9.9")) == sanitized
    untouched = "liquidation price: 18,090.45 USDT\n  numpy 2 positions\n  leverage    10\n Python 3.11\n"
    assert _sanitize(untouched) == untouched


def test_sanitizing_hides_widget_model_ids_and_nothing_else():
    text = "Output(outputs=({'data': {'application/vnd.jupyter.widget-view+json': {'model_id': '0123456789abcdef0123456789abcdef'}}},)) IPY_MODEL_fedcba9876543210fedcba9876543210"
    assert _sanitize(text) == (
        "Output(outputs=({'data': {'application/vnd.jupyter.widget-view+json': {'model_id': 'MODEL_ID'}}},)) IPY_MODEL_MODEL_ID"
    )
    hexadecimal = "hash 0123456789abcdef0123456789abcdef"
    assert _sanitize(hexadecimal) == hexadecimal


def test_widget_demo_shows_the_slider_and_the_sentence_inside_one_output():
    demo = widget_demo(4)
    shown = [output["data"]["application/vnd.jupyter.widget-view+json"]["model_id"] for output in demo.outputs]
    assert shown == [demo.controls["slider"].model_id, demo.summary.model_id]
    assert all(output["output_type"] == "display_data" for output in demo.outputs)
    slider = demo.controls["slider"]
    assert (slider.value, slider.min, slider.max, slider.description) == (4, 0, 10, "Try me")
    assert slider.tooltip and slider.continuous_update is False


def test_widget_demo_sentence_follows_the_slider():
    demo = widget_demo()
    assert demo.summary.value == "The slider is at 5. Move it: this sentence follows."
    for value in (0, 10, 3):
        demo.controls["slider"].value = value
        assert demo.summary.value == f"The slider is at {value}: widgets work in this notebook."


@pytest.mark.parametrize(
    "value, error, message",
    [
        (11, ValueError, r"value must be a whole number in \[0, 10\], got 11"),
        (-1, ValueError, "value must be a whole number >= 0, got -1"),
        (2.5, TypeError, "value must be a whole number >= 0, got 2.5"),
        (True, TypeError, "value must be a whole number >= 0, got True"),
    ],
)
def test_widget_demo_refuses_a_start_outside_zero_to_ten(value, error, message):
    with pytest.raises(error, match=message):
        widget_demo(value)


def test_the_exported_about_stays_callable_whatever_is_named_first():
    # Importing the submodule binds margin_lab.about to the module: if `about` were exported
    # lazily, naming check_setup first would leave `ml.about` a module, and `ml.about()` would
    # fail in lesson 0. Exported eagerly (from .about import ...), the function always wins.
    code = (
        "import margin_lab as ml\n"
        "if 'about' in getattr(ml, '__all__', []):\n"
        "    ml.check_setup()\n"
        "    from margin_lab.about import versions\n"
        "    ml.about()\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith("ok\n")
