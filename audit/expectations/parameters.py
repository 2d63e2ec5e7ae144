"""Suite parameters: value sets a suite names ({"$PARAMETER": name}) instead of copying them.

GX 1.x resolves `{"$PARAMETER": "name"}` in an expectation's kwargs from the
parameters given at validation; both engines get them from here, so a value
set that another part of trial-audit owns (the lab tests and units the CTCAE
grader accepts) has one source of truth.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

PARAMETER = "$PARAMETER"


def _ctcae_lab_tests() -> list[str]:
    from audit.derive.ctcae.tables import lab_criteria

    return sorted(set(lab_criteria()["LBTESTCD"].to_list()))


def _ctcae_lab_units() -> list[str]:
    from audit.derive.ctcae.tables import lab_units

    return sorted(set(lab_units()["unit"].to_list()))


_PROVIDERS: dict[str, Callable[[], list[str]]] = {
    "ctcae_lab_tests": _ctcae_lab_tests,
    "ctcae_lab_units": _ctcae_lab_units,
}


def known() -> list[str]:
    """Names a suite may give as {"$PARAMETER": name}."""
    return sorted(_PROVIDERS)


@cache
def suite_parameters() -> dict[str, Any]:
    """Every suite parameter with its value, as GX's expectation_parameters."""
    return {name: provide() for name, provide in _PROVIDERS.items()}


def parameter_name(value: Any) -> str | None:
    """The parameter a kwarg names, or None when it is a plain value."""
    if isinstance(value, dict) and set(value) == {PARAMETER}:
        return str(value[PARAMETER])
    return None


def resolved(kwargs: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """The kwargs with every parameter replaced by its value, and the first unknown name (or None)."""
    out: dict[str, Any] = {}
    for key, value in kwargs.items():
        name = parameter_name(value)
        if name is None:
            out[key] = value
        elif name not in _PROVIDERS:
            return kwargs, key
        else:
            out[key] = suite_parameters()[name]
    return out, None
