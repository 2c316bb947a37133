"""Every error pariah raises on purpose, in one module.

The library raises these and never prints or exits. Each class carries its
meaning: ``exit_code`` is the command line's exit status and ``http_status``
the web app's answer; the command line reads them in one place
(``pariah.cli.common.guarded``) and the web app in one place (its exception
handler). Messages name the bad value, what was expected and one way to fix
it; they name the library's parameters (``as_of``), never a command-line flag.

The command line's exit status is 2 for everything that the input can fix (a bad value, file, case
id or question) and 1 for a failure of the environment (a database that cannot be opened or is
busy, a disk that is full); the web app answers 4xx for the first and 503 for the second.
"""
from __future__ import annotations


class PariahError(Exception):
    """Base class of every error pariah raises on purpose."""

    exit_code = 2
    http_status = 422


# ---- bad input: arguments, values, files -------------------------------------------


class InvalidArgument(PariahError):
    """A value given to a function or command that is not one it accepts."""


class InvalidDate(InvalidArgument):
    def __init__(self, value: str):
        super().__init__(f"bad date {value!r}: expected YYYY-MM-DD, YYYY-MM or YYYY")
        self.value = value


class DateOutsideCase(InvalidArgument):
    """A date before the case's start, or after today."""


class InvalidLevel(InvalidArgument):
    def __init__(self, value: str, expected: tuple[str, ...] = ()):
        names = ", ".join(expected) + " or 0-5" if expected else "a level name or 0-5"
        super().__init__(f"unknown level {value!r}: expected one of {names}")
        self.value = value


class UnknownActor(InvalidArgument):
    def __init__(self, actor: str, candidates: list[str] | None = None):
        if candidates:
            message = f"ambiguous actor {actor!r}: {' or '.join(candidates)}? write the code"
        else:
            message = (f"unknown actor {actor!r}: expected an ISO 3166-1 alpha-3 code (e.g. CHN), "
                       "an organization code (e.g. UN, EU) or a country name")
        super().__init__(message)
        self.actor = actor
        self.candidates = candidates or []


class InvalidFile(InvalidArgument):
    """A file that cannot be read, or whose content breaks its format: ``FILE:LINE: column: message``."""


class InvalidCase(InvalidFile):
    """A case YAML that does not follow the case format."""


class InvalidWeights(InvalidFile):
    """A weighting scheme or weights file that pariah cannot use."""


class EventFormatError(InvalidFile):
    """An event file that is not in the format asked for at all (its first line says so), or cannot be read.

    The message reads ``FILE:LINE: what is wrong; how to fix it``. Nothing is written.
    """


class ImportRejected(InvalidFile):
    """An import file (or several) with at least one bad row; nothing was written.

    ``problems`` holds the first ``MAX_PROBLEMS`` problems, each as ``FILE:LINE: column: message``,
    in the order found; ``more`` counts those left out and ``total`` all of them (a file of a million
    bad lines is told in a hundred lines and a count, not a million).
    """

    MAX_PROBLEMS = 100

    def __init__(self, problems: list[str]):
        self.total = len(problems)
        self.problems = problems[: self.MAX_PROBLEMS]
        self.more = self.total - len(self.problems)
        more = f" (and {self.total - 1} more)" if self.total > 1 else ""
        super().__init__(f"{problems[0]}{more}")

    def lines(self) -> list[str]:
        """The problems as shown: the first ``MAX_PROBLEMS``, then ``... and N more`` when some were left out."""
        return self.problems + ([f"... and {self.more} more"] if self.more else [])


class MalformedEvents(ImportRejected):
    """``strict``: at least one malformed event line; nothing was written.

    ``problems`` holds every problem as ``FILE:LINE: field: message``.
    """


# ---- things the ledger does not hold, or holds otherwise --------------------------------


class NotFound(PariahError):
    http_status = 404


class UnknownCase(NotFound):
    def __init__(self, case: str, known: list[str] | None = None):
        hint = f"; known cases: {', '.join(known)}" if known else ""
        super().__init__(f"unknown case {case!r}{hint} (list them with 'pariah cases')")
        self.case = case


class UnknownAct(NotFound):
    """An act id that the ledger does not hold."""

    def __init__(self, act_id: str):
        super().__init__(f"no act with id {act_id!r} (find ids with 'pariah export')")
        self.act_id = act_id


class UnknownEvent(NotFound):
    """A candidate event id that the event store does not hold."""


class ForeignDatabase(InvalidArgument):
    """A database that belongs to another application: pariah neither reads it nor adds its tables to it."""


class CaseConflict(PariahError):
    """A case id the ledger holds with another definition."""

    http_status = 409


# ---- what the data cannot answer ------------------------------------------------------


class NotEnoughData(PariahError):
    """The ledger holds too little for the question: nothing to fit, nothing to score, nothing to restore."""


# ---- the environment: databases, engines, files on disk --------------------------------


class EnvironmentFailure(PariahError):
    """Something outside pariah's input failed: a database that cannot be opened, an engine that cannot start."""

    exit_code = 1
    http_status = 503


class DatabaseUnavailable(EnvironmentFailure):
    """A database that cannot be opened or migrated."""


class EngineUnavailable(EnvironmentFailure):
    """The engine asked for cannot start (e.g. PySpark or Java missing)."""


class DatabaseBusy(EnvironmentFailure):
    """Another process has held the database's write lock for longer than the lock timeout.

    ``retry_after`` is the seconds the web app tells a client to wait (its ``Retry-After`` header).
    """

    retry_after = 5


class CannotWrite(EnvironmentFailure):
    """A file that cannot be written for a reason outside pariah: a full disk, no permission."""
