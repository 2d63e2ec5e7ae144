"""trial-audit: audit clinical-trial data snapshots and verify published figures."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("trial-audit")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0+source"

__all__ = ["__version__"]
