"""Case Management billing reconciliation: documentation allowed against units claimed."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("cm-reconcile")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
