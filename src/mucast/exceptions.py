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
