"""`trial-audit rules list | explain ID | schema | validate`: rule documentation generated from the records."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from audit.cli.app import rules_app, user_errors

_RULES = typer.Option(None, "--rules", help="Rule file or folder (repeatable), added to the built-in packs.")


def _with_builtin(rules: list[Path] | None):
    """The built-in packs and the given rule files, as `check --rules` runs them."""
    from audit.engine import load_rules_with_builtin

    return load_rules_with_builtin(rules or ())


def _parameters(rule) -> list[str]:
    """The check's parameters as written (defaults the rule leaves alone are not repeated)."""
    params = rule.check.model_dump(by_alias=True, exclude_unset=True, exclude={"kind"})
    lines = []
    def shown(value) -> str:
        if isinstance(value, str):
            return " ".join(value.split())
        if isinstance(value, list):
            return "[" + ", ".join(shown(v) for v in value) + "]"
        if isinstance(value, dict):
            return "{" + ", ".join(f"{k}: {shown(v)}" for k, v in value.items()) + "}"
        return str(value).lower() if isinstance(value, bool) else str(value)

    for name, value in params.items():
        lines.append(f"  {name}: {shown(value)}")
    return lines or ["  (none)"]


def _derivations(rule) -> tuple[list[str], list[type]]:
    """Each derived frame the rule reads: its derivation, record key, inputs and the meaning of every column read."""
    from audit.derive.registry import derivation_contracts
    from audit.engine.models import DERIVED_PREFIX, derived_columns_read

    contracts = derivation_contracts()
    read = derived_columns_read(rule)
    lines: list[str] = []
    models: list[type] = []
    frames = [d for d in dict.fromkeys([*rule.datasets, *read]) if d.startswith(DERIVED_PREFIX)]
    for frame in frames:
        contract = contracts[frame[len(DERIVED_PREFIX):]]
        lines += ["", f"Derivation {frame}", f"  {contract.function}", f"  Guideline: {contract.section}",
                  f"  Record key: {contract.key}"]
        if contract.reads:
            lines.append("  Reads: " + "; ".join(f"{d} {', '.join(v)}" for d, v in contract.reads.items()))
        if contract.derived_from:
            lines.append(f"  Builds on: {', '.join(contract.derived_from)}")
        lines.append("  Columns the rule reads")
        for name in read.get(frame, []):
            column = contract.column(name)
            if column is not None:
                section = contract.section_of(column)
                lines.append(f"    {name} ({column.dtype}): {column.meaning}" + (f" [{section}]" if section else ""))
            else:
                lines.append(f"    {name}: " + ("row number of the record" if name == "ROW" else "joined column"))
        if contract.options is not None and contract.options not in models:
            models.append(contract.options)
    return lines, models


def explanation(rule) -> str:
    """What, why, reference, parameters, derivation, examples and options of a rule, in the same sections for every
    rule; derived columns and options are described from the derivations' contracts and options models."""
    from audit.derive.options import options_rows

    lines = [f"{rule.id}  {rule.title}", "", f"Severity: {rule.severity}", f"Datasets: {', '.join(rule.datasets)}",
             f"Check:    {rule.check.kind}", "", "Why it matters", f"  {rule.rationale.strip()}", "",
             "Reference", f"  {rule.reference.document}, {rule.reference.section}", "", "Parameters",
             *_parameters(rule)]
    derived, models = _derivations(rule)
    lines += derived
    if rule.examples:
        lines += ["", "Failing example", f"  {rule.examples.fail}", "", "Passing example", f"  {rule.examples.pass_}"]
    lines += ["", "Options"]
    options = [f"  {name} ({kind}, default {default}): {text}" for model in models
               for name, kind, default, text in options_rows(model, model.SECTION)]
    from audit.engine.config import section_models

    rows = {row[0]: row for model in section_models().values() for row in options_rows(model, model.SECTION)}
    for name, text in sorted(rule.options.items()):  # how the rule uses a setting; type and default from the model
        kind, default = rows[name][1:3] if name in rows else (None, None)
        options.append(f"  {name} ({kind}, default {default}): {text}" if kind else f"  {name}: {text}")
    lines += options or ["  none"]
    return "\n".join(lines) + "\n"


@rules_app.command("list")
@user_errors
def list_rules(rules: list[Path] | None = _RULES) -> None:
    """Every rule: ID, severity, datasets and title."""
    for rule in _with_builtin(rules).rules:
        typer.echo(f"{rule.id:<10} {rule.severity:<8} {','.join(rule.datasets):<28} {rule.title}")


@rules_app.command("explain")
@user_errors
def explain(
    rule_id: str = typer.Argument(..., help="Rule ID, e.g. DATE003."), rules: list[Path] | None = _RULES
) -> None:
    """What a rule checks, why, its reference, a failing and a passing example, and its options."""
    typer.echo(explanation(_with_builtin(rules).get(rule_id)), nl=False)


@rules_app.command("schema")
def schema() -> None:
    """The JSON Schema of rule files."""
    from audit.engine.models import rule_file_schema

    typer.echo(json.dumps(rule_file_schema(), indent=2, sort_keys=True))


@rules_app.command("validate")
@user_errors
def validate(paths: list[Path] = typer.Argument(..., help="Rule files or folders.")) -> None:
    """Check rule files against the schema; exit 2 naming file, rule and field on the first error."""
    from audit.engine import load_rules

    ruleset = load_rules(paths)
    typer.echo(f"{len(ruleset.rules)} rules in {len(ruleset.files)} files: valid")
