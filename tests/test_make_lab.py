"""`make lab`: starts as root (with --allow-root, said out loud) and as a user, at the student copy,
with the course's JupyterLab settings (no "Jupyter news" pop-up).

The settings are checked against JupyterLab's own schema in this environment, and a real
JupyterLab server started as `make lab` starts it (as root here: containers run as root) serves
them through its settings API.
"""

from __future__ import annotations

import json
import os
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OVERRIDES = ROOT / "binder" / "overrides.json"
PLUGIN = "@jupyterlab/apputils-extension:notification"
JUPYTER = Path(sys.executable).parent / "jupyter"


def outside_make() -> dict[str, str]:
    """The environment without a parent make's variables: under `make test` (CI) a nested make
    would otherwise inherit MAKEFLAGS and MAKELEVEL and print "Entering/Leaving directory" lines."""
    return {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES")}


def _make_n(*args: str) -> list[str]:
    # -o: treat the environment stamp as built, so only the lab's own commands are listed.
    result = subprocess.run(["make", "--no-print-directory", "-n", "lab", "-o", ".venv/.installed", *args],
                            capture_output=True, text=True, cwd=ROOT, timeout=60, env=outside_make())
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_as_root_make_lab_passes_allow_root_and_says_so():
    lines = _make_n("EUID=0")
    assert lines[-1] == ".venv/bin/jupyter lab --allow-root lessons/student/00_start_here.ipynb"
    assert any("running as root" in line and "--allow-root" in line for line in lines[:-1])


def test_as_a_user_make_lab_starts_jupyterlab_without_allow_root():
    lines = _make_n("EUID=1000")
    assert shlex.split(lines[-1]) == [".venv/bin/jupyter", "lab", "lessons/student/00_start_here.ipynb"]
    assert not any("allow-root" in line for line in lines)


def test_without_euid_make_lab_asks_id_u():
    expected = "--allow-root" if os.geteuid() == 0 else "lab lessons"
    assert expected in _make_n()[-1]


def test_make_lab_installs_the_course_settings_into_the_venv_s_jupyterlab():
    lines = _make_n("EUID=1000")
    assert "cp binder/overrides.json .venv/share/jupyter/lab/settings/overrides.json" in lines


def test_the_course_settings_turn_off_the_news_pop_up_by_jupyterlab_s_own_schema():
    from jupyterlab.commands import get_app_dir

    overrides = json.loads(OVERRIDES.read_text(encoding="utf-8"))
    schema_file = Path(get_app_dir()) / "schemas" / "@jupyterlab" / "apputils-extension" / "notification.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    settings = overrides[PLUGIN]
    assert set(settings) <= set(schema["properties"]) and schema["additionalProperties"] is False
    fetch = schema["properties"]["fetchNews"]
    never = [choice["const"] for choice in fetch["oneOf"] if choice["title"] == "Never"]
    assert [settings["fetchNews"]] == never == ["false"], "JupyterLab's 'Never' is the string 'false'"
    assert fetch["default"] == "none", "the default asks, which is the pop-up"
    assert settings["checkForUpdates"] is False


def test_binder_installs_the_same_settings_file():
    post_build = (ROOT / "binder" / "postBuild").read_text(encoding="utf-8")
    assert "cp binder/overrides.json" in post_build and "get_app_dir()" in post_build


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_jupyterlab_started_like_make_lab_runs_and_serves_news_off(tmp_path):
    """The command `make lab` prints for this user, run for real (headless, on 127.0.0.1)."""
    command = shlex.split(_make_n()[-1])
    assert command[:2] == [".venv/bin/jupyter", "lab"]
    app_settings = tmp_path / "app-settings"
    app_settings.mkdir()
    (app_settings / "overrides.json").write_text(OVERRIDES.read_text(encoding="utf-8"), encoding="utf-8")
    port, token = _free_port(), "margin-lab-test"
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "user-settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    server = subprocess.Popen(
        [str(JUPYTER), *command[1:], "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
         f"--IdentityProvider.token={token}", f"--LabApp.app_settings_dir={app_settings}"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = f"http://127.0.0.1:{port}/lab/api/settings/{PLUGIN}?token={token}"
        deadline, reply = time.monotonic() + 90, None
        while reply is None and time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    reply = json.load(response)
            except OSError:
                time.sleep(0.5)
        assert reply is not None, f"JupyterLab did not start:\n{server.stdout.read() if server.poll() is not None else ''}"
        assert reply["schema"]["properties"]["fetchNews"]["default"] == "false"
        assert reply["settings"].get("fetchNews", "false") == "false"
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server.stdout.close()
