"""Browser-test plumbing: fail on CI or skip elsewhere without Chromium; one browser per session.

The ``browser`` marker selects these tests (``make test-fast`` leaves them out). The summary
at the end of a run lists every control the browser moved and every request it blocked.
"""

from __future__ import annotations

import functools
import os

import pytest

from .lab import SKIP_MESSAGE, browser_gate, chromium_path, launch_browser, missing_browser_parts

REPORTS = pytest.StashKey[list]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives Debian's Chromium against JupyterLab (tests/browser)")
    config.stash[REPORTS] = []


@functools.cache
def _gate() -> tuple[str, str]:
    return browser_gate(missing_browser_parts(), os.environ.get("CI"))


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Fail on CI, skip elsewhere, when Chromium or Playwright is missing.

    A hook rather than a fixture: pytest reports a fixture's skip at each test's own line,
    but this one at a single line, so ``-rs`` shows one grouped line for all of them.
    """
    if item.get_closest_marker("browser") is None:
        return
    action, message = _gate()
    if action == "fail":
        pytest.fail(message, pytrace=False)
    if action == "skip":
        pytest.skip(message)


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory):
    """One headless Chromium (fresh profile) for the whole session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = launch_browser(playwright, tmp_path_factory.mktemp("chromium-profile"), chromium_path())
        try:
            yield context
        finally:
            context.close()


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory):
    """Where each notebook's last screenshot goes; failure messages quote the path."""
    return tmp_path_factory.mktemp("browser-screenshots")


@pytest.fixture(scope="session")
def browser_reports(request) -> list:
    """Reports collected for the terminal summary."""
    return request.config.stash[REPORTS]


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    reports = config.stash.get(REPORTS, [])
    if reports:
        terminalreporter.section("browser: what each notebook and page did (controls moved, requests blocked)")
        for report in reports:
            terminalreporter.write_line(report.summary())
    skipped = any(SKIP_MESSAGE in str(r.longrepr) for r in terminalreporter.stats.get("skipped", []))
    shows_skips = any(char in (config.option.reportchars or "") for char in "sSaA")
    if skipped and not shows_skips:
        terminalreporter.write_line(SKIP_MESSAGE)
