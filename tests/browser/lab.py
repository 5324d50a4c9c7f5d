"""A throwaway JupyterLab server and the facts the browser tests read from a notebook file.

The server runs on 127.0.0.1 with a random port and token over a temporary copy of a folder,
so autosave never touches the committed lessons, and with its own config, data, runtime and
settings directories so neither the machine's Jupyter setup nor the network can leak in.
What the browser does with a lesson lives in ``pages.py`` (split off to keep both short).
Nothing here imports Playwright at module level: ``--doctest-modules`` imports this file on
machines without a browser.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LESSONS = REPO / "lessons"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
LESSON_NAME = re.compile(r"^\d\d_[^/]*\.ipynb$")
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
OFF_MACHINE = re.compile(r"^https?://(?!(?:127\.0\.0\.1|localhost)(?:[:/]|$))")

SKIP_MESSAGE = "browser tests skipped: install Debian's chromium (apt-get install chromium) to run them"

CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)

# Lab settings that would otherwise reach for the internet or ask the learner a question:
# the news feed and update check (JupyterLab's "Would you like to receive official Jupyter
# news?" toast) and the extension manager, which lists extensions from PyPI.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/extensionmanager-extension:plugin": {"enabled": False},
}


def chromium_path() -> str | None:
    """Debian's Chromium: ``/usr/bin/chromium`` or ``chromium`` on the PATH, else None."""
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def missing_browser_parts() -> list[str]:
    """What this machine lacks to run the browser tests (empty when nothing is missing)."""
    import importlib.util

    missing = []
    if chromium_path() is None:
        missing.append("Chromium (/usr/bin/chromium or chromium on the PATH)")
    if importlib.util.find_spec("playwright") is None:
        missing.append("the playwright Python package (pip install -e '.[test]')")
    return missing


def browser_gate(missing: list[str], ci: str | None) -> tuple[str, str]:
    """Decide what to do about missing browser parts: ``("run" | "skip" | "fail", message)``.

    On CI (``CI`` set and not "false"/"0") a missing browser is a failure, never a quiet skip.

    >>> browser_gate([], ci="true")
    ('run', '')
    >>> browser_gate(["Chromium"], ci=None)[0]
    'skip'
    >>> browser_gate(["Chromium"], ci="true")[0]
    'fail'
    """
    if not missing:
        return "run", ""
    if ci and ci.strip().lower() not in {"false", "0", "no"}:
        return "fail", f"CI is set but the browser tests cannot run: missing {', '.join(missing)}"
    return "skip", SKIP_MESSAGE


def lesson_paths(folder: Path = LESSONS) -> list[Path]:
    """The lessons of a folder: ``NN_*.ipynb`` files directly inside it, sorted by name."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and LESSON_NAME.match(p.name))


def _code_cells(path: Path) -> list[dict]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return [cell for cell in notebook.get("cells", []) if cell.get("cell_type") == "code"]


def stored_widget_views(path: Path) -> int:
    """How many widget views (``application/vnd.jupyter.widget-view+json``) the file stores."""
    return sum(
        1
        for cell in _code_cells(path)
        for output in cell.get("outputs", [])
        if WIDGET_VIEW in output.get("data", {})
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LabServer:
    """JupyterLab over a temporary copy of ``folder``; use as a context manager.

    ``workdir`` (empty, temporary) receives the copy (``workdir/root``), the isolated Jupyter
    directories and ``server.log``.
    """

    def __init__(self, folder: Path, workdir: Path, start_timeout: float = 90.0) -> None:
        self.root = workdir / "root"
        self.workdir = workdir
        self.start_timeout = start_timeout
        self.port = 0
        self.token = secrets.token_hex(24)
        self.log_path = workdir / "server.log"
        self._process: subprocess.Popen | None = None
        shutil.copytree(folder, self.root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))

    def _environment(self) -> dict[str, str]:
        config = self.workdir / "jupyter-config"
        (config / "labconfig").mkdir(parents=True, exist_ok=True)
        overrides = config / "labconfig" / "default_setting_overrides.json"
        overrides.write_text(json.dumps(LAB_SETTINGS), encoding="utf-8")
        env = dict(os.environ)
        # The venv's share/jupyter (labextensions: jupyterlab_widgets) stays on the search path
        # through sys.prefix; only the per-user directories move into the temporary folder.
        env.update(
            JUPYTER_CONFIG_DIR=str(config),
            JUPYTER_DATA_DIR=str(self.workdir / "jupyter-data"),
            JUPYTER_RUNTIME_DIR=str(self.workdir / "jupyter-runtime"),
            JUPYTERLAB_SETTINGS_DIR=str(self.workdir / "lab-user-settings"),
            JUPYTERLAB_WORKSPACES_DIR=str(self.workdir / "lab-workspaces"),
            IPYTHONDIR=str(self.workdir / "ipython"),
            PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")])),
        )
        return env

    def _command(self) -> list[str]:
        return [
            sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
            "--ServerApp.open_browser=False",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            "--ServerApp.terminals_enabled=False",
            "--LabApp.news_url=None",
            "--LabApp.extension_manager=readonly",
            # window.jupyterapp: the only reliable "every cell ran" signal, since a cell with
            # hidden input (an answer cell) shows no prompt in the page.
            "--LabApp.expose_app_in_browser=True",
        ]  # fmt: skip

    def __enter__(self) -> LabServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> None:
        """Start the server and wait until its REST API answers (up to ``start_timeout`` s)."""
        env = self._environment()
        for _attempt in range(3):  # another process may grab the probed port first
            self.port = free_port()
            with self.log_path.open("ab") as log:
                self._process = subprocess.Popen(
                    self._command(), env=env, cwd=self.root, stdout=log, stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                )  # fmt: skip
            if self._wait_until_up():
                return
            self._terminate()
        raise RuntimeError(f"JupyterLab did not start; log {self.log_path}:\n{self.log_tail()}")

    def _wait_until_up(self) -> bool:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self._process is None or self._process.poll() is not None:
                return False
            try:
                self.api("GET", "/api/status")
                return True
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        return False

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def notebook_url(self, name: str) -> str:
        """Where the browser opens ``name`` with a fresh workspace (``?reset``)."""
        return f"{self.base_url}/lab/tree/{name}?reset&token={self.token}"

    def api(self, method: str, path: str, body: object = None) -> object:
        """Call the server's REST API with an optional JSON body; return the decoded answer."""
        request = urllib.request.Request(
            self.base_url + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """Shut down every kernel; closing a browser tab leaves its kernel running."""
        for session in self.api("GET", "/api/sessions") or []:
            self.api("DELETE", f"/api/sessions/{session['id']}")
        for kernel in self.api("GET", "/api/kernels") or []:
            self.api("DELETE", f"/api/kernels/{kernel['id']}")

    def stop(self) -> None:
        """Shut down the kernels through the API, then terminate the server process."""
        if self._process is None:
            return
        try:
            if self._process.poll() is None:
                self.shutdown_kernels()
        except (OSError, urllib.error.URLError):
            pass  # the server is already gone; terminating below still reaps the process
        finally:
            self._terminate()

    def _terminate(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the server log (for failure messages)."""
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def launch_browser(playwright, user_data_dir: Path, executable: str):
    """Debian's Chromium, headless, fresh profile, through Playwright's ``executable_path``.

    Returns a persistent browser context that aborts every HTTP request leaving this machine
    (the page still sees the request and logs the failed load); never downloads a browser.
    """
    context = playwright.chromium.launch_persistent_context(
        str(user_data_dir),
        executable_path=executable,
        headless=True,
        args=list(CHROMIUM_ARGS),
        viewport={"width": 1400, "height": 1000},
    )
    context.route(OFF_MACHINE, lambda route: route.abort())
    return context
