"""The ledger's tables (SQLAlchemy Core). Alembic migrations create them.

``acts`` holds revisions, never updated in place: the current state of an act
is its revision with the highest ``rev``; a correction is a new row whose
``supersedes`` points at the revision it replaces. The constraints on act
types and confidence are built from ``pariah.ladder.ACTS`` and ``CONFIDENCE``
in the migration (``one_of``).
"""
from __future__ import annotations

from sqlalchemy import (Column, Date, DateTime, Float, ForeignKey, Index, Integer, MetaData, SmallInteger,
                        String, Table, Text)

CONFIDENCE = ("high", "medium", "low")
EXCHANGE_COLUMNS = ("case", "date", "actor", "act", "description", "source", "confidence", "known_from", "id")


def one_of(column: str, values, dialect: str) -> str:
    """SQL that holds when ``column`` is one of ``values``.

    On SQLite a CHECK with ``IN (...)`` costs more than the rest of an insert
    (the list is rebuilt per row); a substring test on a delimited string is
    exact when the value holds no delimiter, and costs nothing.
    """
    if dialect == "sqlite":
        joined = "|" + "|".join(values) + "|"
        return f"instr('{joined}', '|' || {column} || '|') > 0 AND instr({column}, '|') = 0"
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


metadata = MetaData()

cases = Table(
    "cases",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("target", String(16), nullable=False),
    Column("start", Date, nullable=False),
    Column("end", Date),
    Column("definition", Text, nullable=False),
    Column("recorded_at", DateTime, nullable=False),
)

acts = Table(
    "acts",
    metadata,
    Column("rev", Integer, primary_key=True, autoincrement=True),
    Column("act_id", String(255), nullable=False),
    Column("case_id", String(64), ForeignKey("cases.id"), nullable=False),
    Column("date", String(10), nullable=False),
    Column("day", Date, nullable=False),
    Column("actor", String(16), nullable=False),
    Column("act", String(32), nullable=False),
    Column("description", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("confidence", String(6), nullable=False),
    Column("known_from", String(10)),
    Column("known_on", Date, nullable=False),
    Column("supersedes", Integer),
    Column("recorded_at", DateTime, nullable=False),
    Index("ix_acts_act_id", "act_id"),
)

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

#: Recorded forecasts, one row per state (append-only: triggers refuse updates and deletes).
forecasts = Table(
    "forecasts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(64), ForeignKey("cases.id"), nullable=False),
    Column("made_at", DateTime, nullable=False),
    Column("as_of", Date, nullable=False),
    Column("horizon", Integer, nullable=False),
    Column("level", SmallInteger, nullable=False),
    Column("state", String(16), nullable=False),
    Column("p", Float, nullable=False),
    Column("p_low", Float),
    Column("p_high", Float),
    Column("ledger_digest", String(80), nullable=False),
    Column("model_version", String(64), nullable=False),
)
