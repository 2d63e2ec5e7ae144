"""The public entry point of a full check: rule packs, expectation suites, baseline and comparison.

    from audit.api import CheckRequest, run_check
    outcome = run_check(CheckRequest(snapshot="snapshot/"))

`trial-audit check` and `trial-audit baseline` call exactly this; a Python
user gets the same AuditResult the CLI renders.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from audit.errors import AuditInputError
from audit.findings import AuditResult, AuditTrail, InputFile, RuleResult, sort_results
from audit.study import Study

ENGINES = ("native", "gx")


@dataclass(frozen=True)
class CheckRequest:
    """Everything one check run is asked to do."""

    snapshot: Path
    rules: Sequence[Path] = ()  # rule files or folders run beside the built-in packs
    builtin_rules: bool = True  # False: only `rules` run
    expectations: Sequence[Path] = ()  # suites added to (or replacing by name) the built-in ones
    builtin_expectations: bool = True
    engine: str = "native"  # how suites run: natively in Polars, or through great_expectations
    select: Sequence[str] | None = None
    ignore: Sequence[str] | None = None
    config: Path | None = None
    cutoff: date | None = None
    max_details: int = 1000
    baseline: Path | None = None
    compare: Path | None = None  # an earlier JSON report: mark findings new / persisting / resolved
    claims: Path | None = None  # a claims file: verify the published figures in the same run
    encoding: str | None = None  # text encoding of the snapshot's files; default: detected per file
    keep_na_text: bool = False  # CSV "NA" stays text instead of missing
    strict: bool = False  # a selected rule that is not applicable fails the run
    required_datasets: Sequence[str] = ()  # added to the settings' study.required_datasets


@dataclass(frozen=True)
class CheckOutcome:
    """The result, the study it came from and the rules that produced it (for writers)."""

    result: AuditResult
    study: Study
    rules: dict = field(default_factory=dict)  # rule id -> rule record
    verification: Any = None  # audit.claims.VerificationResult when claims were given
    figures: tuple = ()  # audit.report.plots.Figure: KM curves and waterfall for the report


def _matches(rule_id: str, patterns: Sequence[str]) -> bool:
    return any(rule_id.upper().startswith(p.strip().upper()) for p in patterns if p.strip())


def _split_patterns(patterns: Sequence[str] | None, rule_ids: Sequence[str], suite_ids: Sequence[str],
                    option: str) -> tuple[list[str] | None, list[str] | None]:
    """Patterns for the rule engine and for the suites; a pattern matching neither is a usage error."""
    if patterns is None:
        return None, None
    unknown = [p for p in patterns if not _matches_any(p, rule_ids) and not _matches_any(p, suite_ids)]
    if unknown:
        raise AuditInputError(f"matches no rule or expectation: {', '.join(unknown)}", field=f"--{option}")
    return [p for p in patterns if _matches_any(p, rule_ids)], [p for p in patterns if _matches_any(p, suite_ids)]


def _matches_any(pattern: str, ids: Sequence[str]) -> bool:
    return any(_matches(i, [pattern]) for i in ids)


def _filtered(results: Sequence[RuleResult], select: list[str] | None, ignore: list[str] | None,
              selecting: bool) -> list[RuleResult]:
    chosen = [r for r in results if not selecting or _matches(r.rule_id, select or [])]
    return [r for r in chosen if not _matches(r.rule_id, ignore or [])]


def _settings(request: CheckRequest):
    from audit.engine import load_config
    from audit.engine.config import AuditSettings

    settings = load_config(request.config) if request.config else AuditSettings()
    study = {"required_datasets": _required(settings.study.required_datasets, request.required_datasets)}
    if request.cutoff:
        study["cutoff"] = request.cutoff
    return settings.model_copy(update={"study": settings.study.model_copy(update=study)})


def _required(configured: Sequence[str], asked: Sequence[str]) -> tuple[str, ...]:
    """Required datasets of the settings and of the request, upper case, each once."""
    return tuple(dict.fromkeys(n.strip().upper() for n in (*configured, *asked) if n.strip()))


def rule_set(request: CheckRequest):
    """The built-in packs plus the given rule files, or only the given ones with builtin_rules=False."""
    from audit.engine import load_rules_with_builtin

    if not request.builtin_rules and not request.rules:
        raise AuditInputError("nothing to run: give --rules FILE with it", field="--no-builtin-rules")
    return load_rules_with_builtin(request.rules, builtin=request.builtin_rules)


def run_check(request: CheckRequest, progress=None) -> CheckOutcome:
    """Load the snapshot, run rules and suites, apply the baseline and the comparison."""
    from audit.baseline import load_baseline
    from audit.engine import run_audit
    from audit.expectations.api import select_suites
    from audit.study import load_study

    if request.engine not in ENGINES:
        raise AuditInputError(f"expected one of {', '.join(ENGINES)}, found {request.engine!r}", field="--engine")
    settings = _settings(request)
    ruleset = rule_set(request)
    suites = select_suites(list(request.expectations), built_in=request.builtin_expectations)
    suite_ids = [e.rule_id for s in suites for e in s.expectations]
    rule_select, suite_select = _split_patterns(request.select, ruleset.ids(), suite_ids, "select")
    rule_ignore, suite_ignore = _split_patterns(request.ignore, ruleset.ids(), suite_ids, "ignore")
    claims = _read_claims(request.claims)
    accepted = load_baseline(request.baseline) if request.baseline else None
    previous = _read_previous(request.compare)
    study = load_study(request.snapshot, cutoff=request.cutoff, encoding=request.encoding,
                       keep_na_text=request.keep_na_text)
    result = run_audit(study, rules=ruleset, select=rule_select, ignore=rule_ignore, settings=settings,
                       max_details=request.max_details, baseline=accepted, progress=progress)
    result = replace(result, trail=replace(result.trail, notes=study.notes, inputs=_input_files(study, result.trail)))
    required = settings.study.required_datasets
    # In strict mode every suite's dataset is expected: its "dataset has records" fails when it is absent.
    expected = [*required, *(s.dataset for s in suites)] if request.strict else required
    result = _with_expectations(result, study, request, suites, suite_select, suite_ignore, accepted, expected)
    result = replace(result, strict=request.strict,
                     missing_required=tuple(d for d in required if study.missing(d)))
    if previous is not None:
        from audit.diff import compare_results

        result = compare_results(previous, result, gate_on_new=accepted is not None)
    verification, figures = _verify(study, claims, request.claims)
    return CheckOutcome(result, study, {r.id: r for r in ruleset.rules}, verification, figures)


def _input_files(study: Study, trail: AuditTrail) -> tuple[InputFile, ...]:
    """The trail's input files, a split domain listed file by file with each file's own SHA-256."""
    files: list[InputFile] = []
    for entry in trail.inputs:
        info = study.info.get(entry.dataset)
        if info is None or not info.parts:
            files.append(entry)
            continue
        files += [InputFile(entry.dataset, name, digest, rows)
                  for name, digest, rows in zip(info.parts, info.part_sha256, info.part_rows, strict=True)]
    return tuple(files)


def _read_claims(path: Path | None):
    if path is None:
        return None
    from audit.claims import load_claims

    return load_claims(path)


def _verify(study: Study, claims, path: Path | None) -> tuple[Any, tuple]:
    """Claim verdicts and the figures a reviewer compares with the paper (none without claims)."""
    if claims is None:
        return None, ()
    from audit.claims import verify_claims
    from audit.figures import study_figures

    return verify_claims(study, claims, claims_file=path), tuple(study_figures(study, claims))


def _read_previous(path: Path | None) -> AuditResult | None:
    if path is None:
        return None
    from audit.diff import read_report

    return read_report(path)


def _with_suite_files(trail, suites) -> Any:
    """The audit trail names every suite file run, with its SHA-256, beside the rule files."""
    from audit.study import sha256_of

    files = {name: digest for name, digest in trail.rule_files}
    files.update({_suite_name(s.path): sha256_of(s.path) for s in suites})
    return replace(trail, rule_files=tuple(sorted(files.items())))


def _suite_name(path: Path) -> str:
    """A built-in suite as expectations/<file>, a user suite as given."""
    from audit.packs import expectations_dir

    return f"expectations/{path.name}" if path.resolve().parent == expectations_dir().resolve() else str(path)


def _with_expectations(result: AuditResult, study: Study, request: CheckRequest, suites, select, ignore,
                       accepted, required: Sequence[str]) -> AuditResult:
    if not suites or (request.select is not None and not select):
        return result
    from audit.expectations.results import rule_results
    from audit.expectations.runner import run_suites

    outcomes = run_suites(study, suites, engine=request.engine, cap=request.max_details, required=required)
    extra = _filtered(rule_results(outcomes, request.max_details), select, ignore, request.select is not None)
    result = replace(result, trail=_with_suite_files(result.trail, suites))
    if accepted is None:
        return result.with_results(extra)
    from audit.baseline import match_baseline

    extra, gone = match_baseline(extra, accepted)
    resolved = tuple(sorted({*result.resolved, *gone}, key=lambda b: (b.rule_id, b.dataset, b.usubjid or "",
                                                                       b.record, b.fingerprint)))
    return replace(result, results=sort_results([*result.results, *extra]), resolved=resolved)
