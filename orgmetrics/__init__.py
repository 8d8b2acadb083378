"""orgmetrics: a reproducible audit report of engineering and security metrics for a GitHub org."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("orgmetrics")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
