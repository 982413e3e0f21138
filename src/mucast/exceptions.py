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


class EmptyIntervalError(InputError):
    """A statistical method has no confidence interval for this observation: the classical
    Neyman ("poisson") interval is empty where the observed count lies below what the
    background alone allows (its upper limit would be ≤ 0 and exclude every signal). Callers
    that compute many limits from one observation (mediator curves) turn it into a null limit
    with a status; everywhere else it is a one-line refusal (CLI exit code 2).
    ``method``, ``n_observed``, ``background``, ``cl`` and ``p_background`` = P(N ≤ n | b)
    describe the case."""

    def __init__(self, message: str, *, method: str = "", n_observed: int = 0,
                 background: float = 0.0, cl: float = 0.0, p_background: float = 0.0):
        super().__init__(message)
        self.method = method
        self.n_observed = n_observed
        self.background = background
        self.cl = cl
        self.p_background = p_background

    def __reduce__(self):  # picklable (Dask workers): the keywords travel in the state
        return (type(self), self.args, dict(self.__dict__))


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
