"""The rule engine: load rule packs, run them on a Study, return an AuditResult.

    from audit.engine import load_rules, run_audit
    result = run_audit(load_study("snapshot/"), select=["DATE"])
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from audit import __version__
from audit.derive.registry import DeriveContext
from audit.engine.config import AuditSettings, load_config, settings_from_mapping
from audit.engine.models import Rule, load_rule_files, sha256_file
from audit.engine.runner import DEFAULT_MAX_DETAILS, RunOptions, anchors_of, run_rule
from audit.engine.sources import Sources
from audit.errors import AuditInputError
from audit.findings import AuditResult, AuditTrail, InputFile, ResolvedFinding, sort_results
from audit.packs import rules_dir
from audit.study import Study


@dataclass(frozen=True)
class RuleSet:
    """Rules loaded from files, with each file's SHA-256 for the audit trail."""

    rules: tuple[Rule, ...]
    files: tuple[tuple[str, str], ...]

    def ids(self) -> list[str]:
        return [r.id for r in self.rules]

    def get(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id.upper():
                return rule
        raise AuditInputError(f"no rule {rule_id!r} (known: {', '.join(self.ids())})", field="rule id")


def builtin_rule_files() -> list[Path]:
    """Every built-in pack (rules/*.yaml)."""
    return sorted(rules_dir().glob("*.yaml"))


def load_rules_with_builtin(paths: Iterable[str | Path] = (), *, builtin: bool = True) -> RuleSet:
    """The built-in packs (unless builtin is False) plus the given rule files, each file loaded once."""
    packs = builtin_rule_files() if builtin else []
    known = {p.resolve() for p in packs}
    return load_rules([*packs, *(Path(p) for p in paths if Path(p).resolve() not in known)])


def load_rules(paths: Iterable[str | Path] | None = None) -> RuleSet:
    """Load rule files (default: the built-in packs); RuleFileError when one is invalid."""
    parsed = load_rule_files(builtin_rule_files() if paths is None else paths)
    rules = tuple(sorted((r for _, f in parsed for r in f.rules), key=lambda r: r.id))
    files = tuple((_trail_name(path), sha256_file(path)) for path, _ in parsed)
    return RuleSet(rules, files)


def _trail_name(path: Path) -> str:
    """A built-in pack as rules/<file>, any other file as given: two files of one name stay apart."""
    return f"rules/{path.name}" if path.resolve().parent == rules_dir().resolve() else str(path)


def _matches(rule_id: str, patterns: Sequence[str]) -> bool:
    return any(rule_id.startswith(p.strip().upper()) for p in patterns if p.strip())


def select_rules(rules: Sequence[Rule], select: Sequence[str] | None, ignore: Sequence[str] | None) -> list[Rule]:
    """Rules whose ID starts with a --select entry and with no --ignore entry (ruff-style prefixes)."""
    for option, patterns in (("select", select), ("ignore", ignore)):
        unknown = [p for p in patterns or () if p.strip() and not any(_matches(r.id, [p]) for r in rules)]
        if unknown:
            raise AuditInputError(f"matches no rule: {', '.join(unknown)}", field=option)
    chosen = [r for r in rules if select is None or _matches(r.id, select)]
    return [r for r in chosen if not _matches(r.id, ignore or ())]


def _trail(
    study: Study, ruleset: RuleSet, settings: AuditSettings, cutoff: date | None, source: str | None
) -> AuditTrail:
    inputs = tuple(
        InputFile(name, info.path.name, info.sha256, info.n_rows) for name, info in sorted(study.info.items())
    )
    return AuditTrail(
        tool_version=__version__, snapshot=str(study.root), rule_files=ruleset.files, inputs=inputs,
        cutoff=cutoff.isoformat() if cutoff else None, cutoff_source=source if cutoff else None,
        settings=tuple((k, str(v)) for k, v in sorted(settings.derive_settings().items())),
    )


def run_audit(
    study: Study,
    *,
    rules: RuleSet | Iterable[str | Path] | None = None,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    settings: AuditSettings | dict | None = None,
    max_details: int = DEFAULT_MAX_DETAILS,
    baseline: Iterable[ResolvedFinding] | None = None,
    today: date | None = None,
    progress: Callable[[str], None] | None = None,
) -> AuditResult:
    """Run the selected rules on a study; the built-in packs by default."""
    started = time.perf_counter()
    ruleset = rules if isinstance(rules, RuleSet) else load_rules(rules)
    if not isinstance(settings, AuditSettings):
        settings = settings_from_mapping(settings)
    cutoff = settings.study.cutoff or study.cutoff
    source = "config study.cutoff" if settings.study.cutoff else study.cutoff_source
    anchors = anchors_of(cutoff, today or date.today(), settings.study.enrolment_window)
    sources = Sources(study, DeriveContext(study, settings.derive_settings()), anchors)
    accepted = list(baseline) if baseline is not None else None
    options = RunOptions(max_details, {b.fingerprint for b in accepted} if accepted is not None else None)
    results, seen = [], set()
    for rule in select_rules(ruleset.rules, select, ignore):
        if progress:
            progress(rule.id)
        result, fingerprints = run_rule(rule, sources, options)
        results.append(result)
        seen |= fingerprints or set()
    resolved: tuple[ResolvedFinding, ...] = ()
    if accepted is not None:
        from audit.baseline import match_baseline

        results, resolved = match_baseline(results, accepted, present=seen)
    trail = _trail(study, ruleset, settings, cutoff, source)
    trail = trail.__class__(**{**trail.__dict__, "run_at": datetime.now(UTC).isoformat(timespec="seconds"),
                               "duration_s": round(time.perf_counter() - started, 3)})
    return AuditResult(sort_results(results), trail, baseline_used=accepted is not None, resolved=resolved)


__all__ = ["AuditSettings", "RuleSet", "load_config", "load_rules", "run_audit", "select_rules"]
