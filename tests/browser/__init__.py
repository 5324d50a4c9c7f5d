"""Real-browser tests: JupyterLab and the static site driven through Debian's Chromium.

A package so its ``conftest.py`` imports as ``browser.conftest`` and never collides with
``tests/conftest.py`` (both would be plain ``conftest`` otherwise, which pytest's
``--doctest-modules`` refuses as an import file mismatch).
"""
