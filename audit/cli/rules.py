"""`trial-audit rules list | explain ID | schema | validate`: rule documentation generated from the records."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from audit.cli.app import rules_app, user_errors

_RULES = typer.Option(None, "--rules", help="Rule file or folder (repeatable); default: the built-in packs.")


def explanation(rule) -> str:
    """What, why, reference, examples and options of a rule, in the same sections for every rule."""
    lines = [f"{rule.id}  {rule.title}", "", f"Severity: {rule.severity}", f"Datasets: {', '.join(rule.datasets)}",
             f"Check:    {rule.check.kind}", "", "Why it matters", f"  {rule.rationale.strip()}", "",
             "Reference", f"  {rule.reference.document}, {rule.reference.section}"]
    if rule.examples:
        lines += ["", "Failing example", f"  {rule.examples.fail}", "", "Passing example", f"  {rule.examples.pass_}"]
    lines += ["", "Options"]
    lines += [f"  {name}: {text}" for name, text in sorted(rule.options.items())] or ["  none"]
    return "\n".join(lines) + "\n"


@rules_app.command("list")
@user_errors
def list_rules(rules: list[Path] | None = _RULES) -> None:
    """Every rule: ID, severity, datasets and title."""
    from audit.engine import load_rules

    for rule in load_rules(rules or None).rules:
        typer.echo(f"{rule.id:<10} {rule.severity:<8} {','.join(rule.datasets):<28} {rule.title}")


@rules_app.command("explain")
@user_errors
def explain(
    rule_id: str = typer.Argument(..., help="Rule ID, e.g. DATE003."), rules: list[Path] | None = _RULES
) -> None:
    """What a rule checks, why, its reference, a failing and a passing example, and its options."""
    from audit.engine import load_rules

    typer.echo(explanation(load_rules(rules or None).get(rule_id)), nl=False)


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
