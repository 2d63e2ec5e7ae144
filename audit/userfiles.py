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


class _UserFileLoader(yaml.SafeLoader):
    """Safe YAML without aliases: no user file needs them, and a few nested ones expand to gigabytes."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, f"aliases (*{event.anchor}) are not allowed in a user file", event.start_mark
            )
        return super().compose_node(parent, index)


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
        return json.loads(text) if path.suffix.lower() == ".json" else yaml.load(text, Loader=_UserFileLoader)  # noqa: S506 (a SafeLoader)
    except json.JSONDecodeError as exc:
        raise error(f"not valid JSON ({exc.msg}, line {exc.lineno})", file=path) from None
    except yaml.YAMLError as exc:
        raise error(f"not valid YAML ({_first_line(exc)})", file=path) from None


def _first_line(exc: yaml.YAMLError) -> str:
    """The parser's reason and where, in one line: problem and mark, or the first line of its text."""
    problem = getattr(exc, "problem", None)
    mark = getattr(exc, "problem_mark", None)
    if problem and mark is not None:
        return f"{problem}, line {mark.line + 1}"
    return str(exc).splitlines()[0][:200]
