"""Hypothesis settings: random exploration on a developer's machine; in CI (CI=true) the same
examples every run (derandomized), so a green main stays green and a failure reproduces."""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
