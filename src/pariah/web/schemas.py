"""The shapes the JSON API documents in its OpenAPI schema (responses are built by
``pariah.present.records``; these describe them), and the schema of an act in a request body."""
from __future__ import annotations

import datetime as dt
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

from pariah.acts import ACTS
from pariah.ledger.schema import EXCHANGE_COLUMNS


class Problem(BaseModel):
    detail: str = Field(description="What was wrong, and one way to fix it.")
    problems: list[str] = Field(default_factory=list, description="Every problem, one line each (rejected imports: NAME:N: column: message).")


class CaseHead(BaseModel):
    """What every view of a case starts with."""

    id: str
    name: str
    target: str
    target_name: str
    start: dt.date
    end: Optional[dt.date]


class CaseSummary(CaseHead):
    acts: int = Field(description="Number of current acts.")
    as_of: dt.date = Field(description="Today, or the case end.")
    index: float = Field(description="Isolation index on as_of (equal weights).")
    index_low: float
    index_high: float
    last_act_date: Optional[str]
    last_act_actor: Optional[str]
    last_act: Optional[str]
    last_act_description: Optional[str]
    last_act_source: Optional[str]


class CaseInfo(CaseHead):
    coalition_leader: str
    coalition_leader_name: str
    coalition: list[str]
    demands: list[str]
    level: str
    description: str
    sources: list[str]


class ScorecardRow(BaseModel):
    """One recorded forecast row, scored once its window has closed; the last row (``state`` ``all``,
    ``status`` ``summary``) sums them up."""
    case: str
    made_on: Optional[str]
    as_of: Optional[str]
    horizon: Optional[int]
    level: Optional[str]
    state: str
    name: str
    p: Optional[float]
    outcome: int
    brier: Optional[float]
    log_loss: Optional[float]
    hit: Optional[float]
    window_end: Optional[str]
    status: str


class StatusRow(BaseModel):
    state: str
    name: str
    level: int = Field(ge=0, le=5)
    level_name: str
    since: dt.date
    recognition: bool
    mission: str
    hosted: str
    hostile: bool
    last_act: str
    last_date: str
    last_source: str
    last_id: str = Field(description="The id of the act that put the dyad where it stands.")
    as_of: dt.date


class IndexRow(BaseModel):
    date: dt.date
    index: float
    low: float = Field(description="Lowest index of the chosen weighting under the score mappings.")
    high: float = Field(description="Highest index of the chosen weighting under the score mappings.")
    all_low: float = Field(description="Lowest index of any built-in weighting under any score mapping.")
    all_high: float = Field(description="Highest index of any built-in weighting under any score mapping.")
    change_start: float = Field(description="The index minus its value on the case's first day.")
    change_12m: Optional[float] = Field(description="The index minus its value 12 months earlier; null in the case's first year.")
    scheme: str


class CohesionRow(BaseModel):
    date: dt.date
    tier: Literal["core", "consensus"]
    cohesion: float
    members: int
    holding: int
    defected: int
    black_knights: int
    scheme: str


class Defection(BaseModel):
    state: str
    name: str
    tier: Literal["core", "consensus"]
    date: dt.date
    act: str
    level: int
    level_name: str
    description: str
    source: str


class BlackKnight(BaseModel):
    state: str
    name: str
    tier: Literal["consensus", "outside"]
    consensus: bool
    level: int
    level_name: str
    weight: float
    scheme: str


class CompareRow(BaseModel):
    case: str
    kind: Literal["recognition", "relations"] = Field(description="recognition: starts from no relations; relations: from full relations.")
    date: dt.date
    month: int
    value: float = Field(description="The chosen measure: change since the start, share of the possible movement realised, or the index.")
    index: float
    low: float
    high: float
    change_start: float
    measure: Literal["change", "realised", "index"]
    scheme: str


class MapPayload(BaseModel):
    case: str
    target: str
    target_name: str
    dates: list[dt.date]
    states: list[str]
    names: list[str]
    levels: list[list[int]] = Field(description="levels[i][j]: level of states[j] on dates[i].")
    hostile: list[list[int]]
    level_names: list[str]
    colours: list[str]
    target_colour: str
    outside_colour: str


class ActOut(BaseModel):
    case: str
    date: str
    actor: str
    actor_name: str
    act: str
    description: str
    source: str
    confidence: str
    known_from: str
    id: str
    rev: int
    recorded_at: Optional[str]


class HistoryRun(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    from_: dt.date = Field(alias="from")
    to: dt.date
    level: int
    level_name: str
    hostile: bool


class StateDetail(BaseModel):
    state: str
    name: str
    status: StatusRow
    history: list[HistoryRun]
    acts: list[ActOut]


class ForecastRow(BaseModel):
    state: str
    name: str
    probability: float = Field(ge=0, le=1, description="Probability of reaching the case's level within the horizon.")
    horizon: str
    level: str
    drivers: str


class ImportSummary(BaseModel):
    rows: int
    added: int
    corrected: int
    unchanged: int


_ACT_DOCS: dict[str, str] = {
    "case": "an existing case id (or pass ?case=)",
    "date": "YYYY-MM-DD, YYYY-MM or YYYY; the precision is kept",
    "actor": "ISO3, organization code, or a country name",
    "act": "one of the act types (docs/DESIGN.md)",
    "description": "one sentence, plain text",
    "source": "URL(s) or a citation; never empty",
    "confidence": "high, medium (default) or low",
    "known_from": "date the act became public; defaults to date",
    "id": "stable id; derived from case, date, actor and act when absent",
}
_ACT_TYPES: dict[str, dict[str, Any]] = {
    "date": {"type": "string"},
    "actor": {"type": "string"},
    "act": {"type": "string", "enum": list(ACTS)},
    "description": {"type": "string"},
    "source": {"type": "string"},
    "confidence": {"anyOf": [{"type": "string", "enum": ["high", "medium", "low", ""]}, {"type": "null"}]},
}
ACT_SCHEMA = {
    "type": "object",
    "title": "Act",
    "description": "One act in the exchange format's columns; every value is a string. The importer checks the "
                   "rest (an existing case, a known actor, real dates, no duplicate ids) and rejects the whole "
                   "request on any problem.",
    "properties": {c: _ACT_TYPES.get(c, {"type": ["string", "null"]}) | {"description": _ACT_DOCS[c]}
                   for c in EXCHANGE_COLUMNS},
    "required": ["date", "actor", "act", "description", "source"],
    "additionalProperties": False,
}

def columns(model: type[BaseModel]) -> list[str]:
    """A table's columns, in order: its model's fields (the header of an empty CSV download)."""
    return [field.alias or name for name, field in model.model_fields.items()]


ERRORS: dict[int | str, dict[str, Any]] = {404: {"model": Problem, "description": "Unknown case or state"},
          422: {"model": Problem, "description": "Bad parameter"}}
#: What a table's route answers besides JSON: with ``?format=csv``, the table as a CSV file.
TABLE: dict[int | str, dict[str, Any]] = {200: {"description": "The rows; with format=csv a CSV file, with format=json "
                                                               "a JSON file (Content-Disposition names both)",
                                                "content": {"text/csv": {"schema": {"type": "string"}}}}}
TABLE_ERRORS = ERRORS | TABLE
#: The list of cases: no unknown case, but bad parameters, and the CSV file.
LIST_ERRORS: dict[int | str, dict[str, Any]] = {422: ERRORS[422], **TABLE}


