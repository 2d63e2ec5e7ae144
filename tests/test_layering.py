"""Import contract of the audit package, read from the source (every import, inside functions too).

Layers, from the top:

    cli                       audit.cli
    api                       audit.api, audit.demo, audit.figures, audit.synth
    report                    audit.report, audit.claims.render (a writer beside its models)
    engine | claims | inspect audit.engine, audit.expectations | audit.claims, audit.stats | audit.inspect
    derive                    audit.derive
    study                     audit.study, audit.formats, audit.normalise, audit.dates, audit.split_domains
    base                      audit (the package), audit.errors, audit.userfiles, audit.packs,
                              audit.findings, audit.baseline, audit.diff

A module imports only from its own layer or from layers below it, and the
three analysis layers (engine, claims, inspect) never import one another.
The report never computes a statistic: from audit.claims it reads only result
models (class names and constants, never a function) and the writer
audit.claims.render, and it imports nothing from audit.stats, audit.derive,
audit.engine or audit.study.
"""

from __future__ import annotations

import ast
from pathlib import Path

import audit

ROOT = Path(audit.__file__).parent
RANKS = {"base": 0, "study": 1, "derive": 2, "engine": 3, "claims": 3, "inspect": 3, "report": 4, "api": 5,
         "cli": 6}
LAYER_OF = {  # the longest matching prefix decides
    "audit.cli": "cli",
    "audit.api": "api", "audit.demo": "api", "audit.figures": "api", "audit.synth": "api",
    "audit.report": "report", "audit.claims.render": "report",
    "audit.engine": "engine", "audit.expectations": "engine",
    "audit.claims": "claims", "audit.stats": "claims",
    "audit.inspect": "inspect",
    "audit.derive": "derive",
    "audit.study": "study", "audit.formats": "study", "audit.normalise": "study", "audit.dates": "study",
    "audit.split_domains": "study",
    "audit": "base",
}
REPORT_NEVER_IMPORTS = ("audit.stats", "audit.derive", "audit.engine", "audit.study")


def layer(module: str) -> str:
    """The layer of a dotted module name."""
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in LAYER_OF:
            return LAYER_OF[".".join(parts[:end])]
    raise AssertionError(f"{module} is in no layer of the contract")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports() -> list[tuple[str, str, tuple[str, ...]]]:
    """(importing module, imported audit module, names imported from it) for every import in audit/."""
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        module = _module_name(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found += [(module, a.name, ()) for a in node.names if a.name.split(".")[0] == "audit"]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("audit"):
                found.append((module, node.module, tuple(a.name for a in node.names)))
    return found


def _is_model(name: str) -> bool:
    """A class (CamelCase) or a constant (UPPER_CASE): data to read, not a computation."""
    return name[:1].isupper()


def test_the_contract_sees_the_imports_it_checks():
    edges = {(a, b) for a, b, _ in imports()}
    # A top-level import, one inside a function, and one of a package's __init__.
    assert {("audit.report.html", "audit.findings"), ("audit.cli.verify", "audit.claims"),
            ("audit.report", "audit.errors")} <= edges


def test_no_layer_imports_a_higher_one():
    upward = [f"{a} -> {b}" for a, b, _ in imports() if RANKS[layer(b)] > RANKS[layer(a)]]
    assert upward == []


def test_engine_claims_and_inspect_do_not_import_one_another():
    analysis = {"engine", "claims", "inspect"}
    across = [f"{a} -> {b}" for a, b, _ in imports()
              if layer(a) in analysis and layer(b) in analysis and layer(a) != layer(b)]
    assert across == []


def test_the_report_reads_results_and_never_computes_a_statistic():
    report = [(a, b, names) for a, b, names in imports() if layer(a) == "report"]
    forbidden = [f"{a} -> {b}" for a, b, _ in report if b.startswith(REPORT_NEVER_IMPORTS)]
    computing = [f"{a} -> {b}.{n}" for a, b, names in report if layer(b) == "claims"
                 for n in (names or ("*",)) if not _is_model(n)]
    assert forbidden == [] and computing == []


def test_every_module_is_in_a_layer():
    modules = {_module_name(p) for p in ROOT.rglob("*.py")}
    assert {layer(m) for m in modules} <= set(RANKS)
