"""Layer 0: exceptions. Every error mucast raises on bad input is a :class:`MucastError`.

They derive from :class:`ValueError` so that generic callers still catch them; the CLI
turns them into a one-line message and a non-zero exit code (no traceback).
"""


class MucastError(ValueError):
    """Base class of every input or configuration error raised by mucast."""


class InputError(MucastError):
    """An argument is outside its allowed range or of the wrong kind."""


class UnknownNameError(InputError):
    """An operator, data set, target, model or method name is not known."""


class KinematicsError(InputError):
    """The requested point is outside the kinematically allowed (or simulated) region."""


class DataFileError(MucastError):
    """A data file (TOML, CSV, WCxf) is unreadable or malformed."""


class RuntimeFault(RuntimeError):
    """The computation could not finish for a reason outside its input: a full disk, a Dask
    scheduler that died during the run. Not a :class:`MucastError` (the input was fine); the
    CLI prints one line and exits with code 1 (docs/files.md)."""


class Terminated(BaseException):
    """SIGTERM (or SIGHUP) arrived: raised by the CLI's signal handler so that every ``finally``
    and cleanup runs (temporary files removed, a Dask cluster closed). Like KeyboardInterrupt it
    is a BaseException: ``except Exception`` does not swallow it. ``signum``: the signal."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum
