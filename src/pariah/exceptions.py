"""Typed errors of the pariah library.

The library raises these and never prints or exits; the command line and the
web app turn each into one clear line (and a non-zero exit status or an HTTP
error).
"""
from __future__ import annotations


class PariahError(Exception):
    """Base class of every error pariah raises on purpose."""


class UnknownCase(PariahError):
    def __init__(self, case: str, known: list[str] | None = None):
        hint = f"; known cases: {', '.join(known)}" if known else ""
        super().__init__(f"unknown case {case!r}{hint} (list them with 'pariah cases')")
        self.case = case


class UnknownActor(PariahError):
    def __init__(self, actor: str):
        super().__init__(
            f"unknown actor {actor!r}: expected an ISO 3166-1 alpha-3 code (e.g. CHN), "
            "an organization code (e.g. UN, EU) or a country name"
        )
        self.actor = actor


class UnknownAct(PariahError):
    """An act id that the ledger does not hold."""

    def __init__(self, act_id: str):
        super().__init__(f"no act with id {act_id!r} (find ids with 'pariah export')")
        self.act_id = act_id


class InvalidDate(PariahError):
    def __init__(self, value: str):
        super().__init__(f"bad date {value!r}: expected YYYY-MM-DD, YYYY-MM or YYYY")
        self.value = value


class InvalidLevel(PariahError):
    def __init__(self, value: str):
        from pariah.ladder import LEVEL_NAMES

        super().__init__(f"unknown level {value!r}: expected one of {', '.join(LEVEL_NAMES)} or 0-5")


class InvalidCase(PariahError):
    """A case YAML that does not follow the case format."""


class ImportRejected(PariahError):
    """An import file (or several) with at least one bad row; nothing was written.

    ``problems`` holds every problem as ``FILE:LINE: column: message``.
    """

    def __init__(self, problems: list[str]):
        self.problems = problems
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{problems[0]}{more}")
