"""A registry of named derivations and the context they run in.

A derivation is a pure function (DeriveContext) -> pl.LazyFrame. It reads the
study, its own settings section, and other derivations through the context,
which computes each one once per run. When its inputs are absent it raises
NotApplicable with the reason, so a rule built on it is reported as not
applicable rather than skipped or crashed.

Each registers with its Contract (audit/derive/contracts.py): the columns it
produces, its record key, what it reads and its options model. Rules are
checked against the contracts when they are loaded.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import polars as pl

from audit.derive.contracts import Contract
from audit.study import Study

Derivation = Callable[["DeriveContext"], pl.LazyFrame]

_REGISTRY: dict[str, Derivation] = {}
_CONTRACTS: dict[str, Contract] = {}
# Modules whose import registers derivations; loaded on first lookup.
_PROVIDERS = ("audit.derive.recist", "audit.derive.ctcae")


class NotApplicable(Exception):
    """A derivation (or rule) cannot run on this snapshot; the message says why."""


def derivation(name: str, *, contract: Contract) -> Callable[[Derivation], Derivation]:
    """Register a derivation under a dotted name with the contract it keeps."""

    def register(func: Derivation) -> Derivation:
        if name in _REGISTRY and _REGISTRY[name] is not func:
            raise ValueError(f"derivation {name!r} registered twice")
        _REGISTRY[name] = func
        _CONTRACTS[name] = replace(contract, name=name, function=f"{func.__module__}:{func.__qualname__}")
        return func

    return register


def _load_providers() -> None:
    for module in _PROVIDERS:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise


def registered_derivations() -> dict[str, Derivation]:
    """Every known derivation by name."""
    _load_providers()
    return dict(sorted(_REGISTRY.items()))


def derivation_contracts() -> dict[str, Contract]:
    """Every known derivation's contract by name."""
    _load_providers()
    return dict(sorted(_CONTRACTS.items()))


def contract_of(name: str) -> Contract | None:
    """The named derivation's contract; None when no derivation has that name."""
    return derivation_contracts().get(name)


@dataclass
class DeriveContext:
    """What a derivation may read: the study, per-section settings, other derivations."""

    study: Study
    settings: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    _cache: dict[str, pl.LazyFrame] = field(default_factory=dict, repr=False)
    _notes: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    _running: list[str] = field(default_factory=list, repr=False)

    def section(self, name: str) -> Mapping[str, Any]:
        """User settings of one section ("recist", "ctcae", ...), empty when not given."""
        return self.settings.get(name, {})

    def derived(self, name: str) -> pl.LazyFrame:
        """The named derivation's frame, computed once per context."""
        if name not in self._cache:
            derivations = registered_derivations()
            if name not in derivations:
                known = ", ".join(derivations) or "none"
                raise KeyError(f"unknown derivation {name!r} (known: {known})")
            self._running.append(name)
            try:
                # Held as data: several rules read each derivation, which must not be recomputed per rule.
                self._cache[name] = derivations[name](self).collect().lazy()
            finally:
                self._running.pop()
        for outer in self._running:  # a frame built on another inherits its notes
            self._add_notes(outer, self._notes.get(name, ()))
        return self._cache[name]

    def note(self, text: str) -> None:
        """Say something about the frames being derived (records left out, ...): rules reading them show it."""
        for name in self._running:
            self._add_notes(name, (text,))

    def notes(self, name: str) -> tuple[str, ...]:
        """What the derivation (and those it read) said about its input."""
        return self._notes.get(name, ())

    def _add_notes(self, name: str, texts: tuple[str, ...]) -> None:
        self._notes[name] = tuple(dict.fromkeys((*self._notes.get(name, ()), *texts)))
