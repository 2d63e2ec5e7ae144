"""Command-line interface: a thin typer app over the public API.

Each command lives in its own module and registers itself on import.
"""

from audit.cli import check as _check  # noqa: F401
from audit.cli import claims as _claims  # noqa: F401
from audit.cli import demo as _demo  # noqa: F401
from audit.cli import derive_ctcae as _derive_ctcae  # noqa: F401
from audit.cli import derive_recist as _derive_recist  # noqa: F401
from audit.cli import diff as _diff  # noqa: F401
from audit.cli import example as _example  # noqa: F401
from audit.cli import inspect as _inspect  # noqa: F401
from audit.cli import rules as _rules  # noqa: F401
from audit.cli import verify as _verify  # noqa: F401
from audit.cli.app import app, main

__all__ = ["app", "main"]
