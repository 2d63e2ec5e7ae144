"""The entry point `trial-audit check` calls: built-in and user suites as rule-like results."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from audit.expectations.results import rule_results
from audit.expectations.runner import DEFAULT_CAP, run_suites
from audit.expectations.suite import Suite, load_suites
from audit.findings import RuleResult
from audit.packs import expectations_dir
from audit.study import Study


def select_suites(extra: Sequence[str | Path] = (), *, built_in: bool = True) -> list[Suite]:
    """The built-in suites, each replaced by a user suite of the same name, plus the other user suites."""
    chosen = {s.name: s for s in load_suites(expectations_dir())} if built_in else {}
    chosen.update({s.name: s for s in load_suites(*extra)} if extra else {})
    return sorted(chosen.values(), key=lambda s: (s.dataset, s.name))


def expectation_results(
    study: Study,
    extra: Sequence[str | Path] = (),
    *,
    built_in: bool = True,
    engine: str = "native",
    max_details: int = DEFAULT_CAP,
) -> tuple[RuleResult, ...]:
    """Run the chosen suites with the chosen engine; results ready for AuditResult.with_results."""
    outcomes = run_suites(study, select_suites(extra, built_in=built_in), engine=engine, cap=max_details)
    return rule_results(outcomes, max_details)
