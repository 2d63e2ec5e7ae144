"""The registry of check kinds: each kind is one module with a params model and a build function.

Adding a kind touches its own module and the import list below; the engine
and the rule-file schema pick it up from the registry.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from audit.engine.kinds.base import CheckBase, Target, Violations

Build = Callable[[CheckBase, Target], list[Violations]]


@dataclass(frozen=True)
class Kind:
    """A registered check kind."""

    name: str
    params: type[CheckBase]
    build: Build
    summary: str


_KINDS: dict[str, Kind] = {}
_MODULES = ("row_expression", "chronology", "key_unique", "exists_in", "reported_vs_derived", "iso8601", "study_day")


def register(name: str, params: type[CheckBase], summary: str) -> Callable[[Build], Build]:
    """Register a kind's build function under its name."""

    def decorate(build: Build) -> Build:
        if name in _KINDS and _KINDS[name].build is not build:
            raise ValueError(f"check kind {name!r} registered twice")
        _KINDS[name] = Kind(name, params, build, summary)
        return build

    return decorate


def registered_kinds() -> dict[str, Kind]:
    """Every check kind by name."""
    for module in _MODULES:
        importlib.import_module(f"audit.engine.kinds.{module}")
    return dict(sorted(_KINDS.items()))


__all__ = ["CheckBase", "Kind", "Target", "Violations", "register", "registered_kinds"]
