"""One exception family for everything a user can get wrong; each carries its exit code.

Raised anywhere, caught once in the CLI, printed as one plain line.
"""


class PipelineError(Exception):
    """A problem the user can fix; `str(err)` is the one line they see."""

    exit_code: int = 2


class UsageError(PipelineError):
    """Bad arguments, missing inputs, bad config: nothing could be done (exit 2)."""

    exit_code = 2


class ConfigError(UsageError):
    """The configuration file is missing, unreadable or holds an invalid value."""


class InputError(UsageError):
    """No services or no claims files, or a named input path does not exist."""


class OutputError(UsageError):
    """The output folder or one of its files cannot be written."""
