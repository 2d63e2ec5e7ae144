"""Reading the files users give us (rule packs, settings, claims, suites, baselines, reports).

One place turns an unreadable or unparsable file into a one-line error that
names it, so every command reports such problems the same way.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from audit.errors import AuditInputError


def read_document(path: str | Path, what: str, error: type[AuditInputError] = AuditInputError) -> Any:
    """The parsed content of a JSON (.json) or YAML file; `error` naming the file when it cannot be read."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"cannot read {what}: the file does not exist", file=path) from None
    except OSError as exc:
        raise error(f"cannot read {what} ({exc.strerror})", file=path) from None
    except UnicodeDecodeError:
        raise error(f"cannot read {what}: not UTF-8 text", file=path) from None
    try:
        return json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise error(f"not valid JSON ({exc.msg}, line {exc.lineno})", file=path) from None
    except yaml.YAMLError as exc:
        raise error(f"not valid YAML ({str(exc).splitlines()[0]})", file=path) from None
