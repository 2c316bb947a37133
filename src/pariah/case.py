"""A case: one target regime over one period, described by a YAML file.

Keys (see docs/DESIGN.md): ``id``, ``name``, ``target``, ``start``, ``end``
(optional), ``coalition_leader``, ``coalition`` (actors and/or bloc codes),
``demands``, ``level`` (what counts as normalization), ``description``,
``sources`` and ``initial`` (optional)::

    initial:
      all: {recognition: true, mission: ambassador, hosted: ambassador}
      states:
        UKR: {mission: none, hosted: none, source: "Outlet, 2022-02-24, https://..."}

A state's starting components are ``initial.all`` with its own entry laid
over them; a state named nowhere starts with no relations.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any, Callable

import yaml

from pariah import reference
from pariah.exceptions import InvalidCase, InvalidDate, InvalidLevel, UnknownActor
from pariah.dates import to_date
from pariah.ladder import HOSTED_STATES, MISSION_STATES, Components, Level, parse_level

REQUIRED = ("id", "name", "target", "start", "coalition_leader", "coalition", "demands", "level", "description", "sources")
OPTIONAL = ("end", "initial")
COMPONENT_KEYS: dict[str, Any] = {"recognition": bool, "mission": MISSION_STATES, "hosted": HOSTED_STATES, "hostile": bool}
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")


#: The largest case YAML pariah reads (the bundled ones are under 10 KB).
MAX_YAML_BYTES = 1_000_000


class _Loader(yaml.SafeLoader):
    """Safe YAML that keeps dates as text, so that pariah checks them (and their precision) itself, and
    refuses aliases (``*name``), which a case never needs and which let a few bytes expand without bound."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed in a case file; "
                                              "write the value out", event.start_mark)
        return super().compose_node(parent, index)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclasses.dataclass(frozen=True)
class Case:
    id: str
    name: str
    target: str
    start: dt.date
    end: dt.date | None
    coalition_leader: str
    coalition: tuple[str, ...]
    demands: tuple[str, ...]
    level: Level
    description: str
    sources: tuple[str, ...]
    initial: dict[str, Any] = dataclasses.field(default_factory=dict, compare=False)

    def initial_components(self, state: str) -> Components:
        """The components ``state`` starts from on ``start``."""
        spec = dict(self.initial.get("all") or {})
        spec.update((self.initial.get("states") or {}).get(state) or {})
        hostile = bool(spec.get("hostile", False))
        return Components(
            recognition=bool(spec.get("recognition", False)),
            mission=spec.get("mission", "none"),
            hosted=spec.get("hosted", "none"),
            designated=hostile,
        )

    @property
    def starts_with_relations(self) -> bool:
        """Whether every state starts with relations (an ``initial: all`` block): a case of lost
        relations such as Russia 2022, against a recognition case that starts from none."""
        spec = self.initial.get("all") or {}
        return bool(spec.get("recognition") or spec.get("mission", "none") != "none" or spec.get("hosted", "none") != "none")

    @property
    def kind(self) -> str:
        """``relations`` for a case that starts from full relations, ``recognition`` otherwise."""
        return "relations" if self.starts_with_relations else "recognition"

    def initial_states(self) -> list[str]:
        return sorted((self.initial.get("states") or {}).keys())

    def coalition_members(self, on: dt.date | None = None) -> list[str]:
        """ISO3 codes of the coalition: named states plus members of named blocs."""
        blocs = set(reference.bloc_codes())
        members: set[str] = set()
        for item in self.coalition:
            if item in blocs:
                members.update(reference.bloc_members(item, on))
            elif reference.is_state(item):
                members.add(item)
        members.discard(self.target)
        return sorted(members)

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["start"] = self.start.isoformat()
        out["end"] = self.end.isoformat() if self.end else None
        out["level"] = self.level.label
        for key in ("coalition", "demands", "sources"):
            out[key] = list(out[key])
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "Case":
        return from_mapping(json.loads(text), "<database>")


def load(path: str | Path) -> Case:
    """Read and validate a case YAML; raises ``InvalidCase`` with ``FILE:LINE: key: message``."""
    path = Path(path)
    try:
        if path.exists() and not path.is_file():
            raise InvalidCase(f"{path}: not a regular file; give the path of a case YAML")
        if path.stat().st_size > MAX_YAML_BYTES:
            raise InvalidCase(f"{path}:1: file: larger than {MAX_YAML_BYTES:,} bytes; a case YAML is a few KB")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise InvalidCase(f"{path}:1: file: not UTF-8 ({e.reason} at byte {e.start})") from None
    except OSError as e:
        raise InvalidCase(f"{path}: cannot read: {e.strerror}") from None
    return loads(text, str(path))


def loads(text: str, name: str = "<yaml>") -> Case:
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise InvalidCase(f"{name}:{line}: yaml: {getattr(e, 'problem', None) or e}") from None
    lines = {}
    if isinstance(node, yaml.MappingNode):
        lines = {k.value: k.start_mark.line + 1 for k, _ in node.value}
    return from_mapping(data, name, lines)


def from_mapping(data: Any, name: str, lines: dict[str, int] | None = None) -> Case:
    """A validated ``Case`` from a mapping; every problem is reported at once, one
    ``NAME:LINE: key: message`` line each, in one ``InvalidCase``."""
    lines = lines or {}
    problems: list[str] = []

    def fail(key: str, message: str) -> None:
        problems.append(f"{name}:{lines.get(key, 1)}: {key}: {message}")

    if not isinstance(data, dict):
        raise InvalidCase(f"{name}:1: file: expected a mapping of case keys ({', '.join(REQUIRED)})")
    missing = {key for key in REQUIRED if data.get(key) in (None, "", [])}
    for key in REQUIRED:
        if key in missing:
            fail(key, "missing; every case needs it (see the case format in docs/DESIGN.md)")
    for key in data:
        if key not in REQUIRED + OPTIONAL:
            fail(key, f"unknown key; expected one of {', '.join(REQUIRED + OPTIONAL)}")
    case_id = str(data.get("id") or "")
    if "id" not in missing and not _ID.match(case_id):
        fail("id", f"bad id {case_id!r}: use lower-case letters, digits and hyphens, e.g. taliban-2021")

    def actor(key, value):
        if key in missing:
            return None
        try:
            return reference.resolve_actor(str(value))
        except UnknownActor as e:
            fail(key, str(e))
            return None

    def day(key, value):
        if key in missing:
            return None
        try:
            return to_date(str(value))
        except InvalidDate as e:
            fail(key, str(e))
            return None

    target = actor("target", data.get("target"))
    start = day("start", data.get("start"))
    end = day("end", data["end"]) if data.get("end") not in (None, "") else None
    if end and start and end < start:
        fail("end", f"end {end} is before start {start}")
    blocs = set(reference.bloc_codes())
    coalition = []
    for item in ([] if "coalition" in missing else _as_list(data["coalition"])):
        text = str(item).strip()
        coalition.append(text.upper() if text.upper() in blocs else actor("coalition", text))
    level = None
    if "level" not in missing:
        try:
            level = parse_level(data["level"])
        except InvalidLevel as e:
            fail("level", str(e))
    leader = actor("coalition_leader", data.get("coalition_leader"))
    initial = data.get("initial") or {}
    _check_initial(initial, fail)
    if problems:
        raise InvalidCase("\n".join(problems))
    assert level is not None and start is not None  # no problems: every required key was read
    return Case(
        id=case_id,
        name=str(data["name"]),
        target=target,
        start=start,
        end=end,
        coalition_leader=leader,
        coalition=tuple(coalition),
        demands=tuple(str(d) for d in _as_list(data["demands"])),
        level=level,
        description=str(data["description"]).strip(),
        sources=tuple(str(s) for s in _as_list(data["sources"])),
        initial=_normalize_initial(initial),
    )


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _check_initial(initial: Any, fail: Callable[[str, str], None]) -> None:
    if not isinstance(initial, dict) or set(initial) - {"all", "states"}:
        fail("initial", "expected a mapping with 'all' and/or 'states'")
        return

    def check(where: str, spec, need_source: bool):
        if not isinstance(spec, dict):
            fail("initial", f"{where}: expected a mapping of components")
            return
        for key, value in spec.items():
            if key == "source":
                continue
            allowed = COMPONENT_KEYS.get(key)
            if allowed is None:
                fail("initial", f"{where}: unknown component {key!r}; expected {', '.join(COMPONENT_KEYS)} or source")
                continue
            if allowed is bool and not isinstance(value, bool):
                fail("initial", f"{where}: {key} must be true or false, not {value!r}")
            if allowed is not bool and value not in allowed:
                fail("initial", f"{where}: {key} must be one of {', '.join(allowed)}, not {value!r}")
        if need_source and not str(spec.get("source") or "").strip():
            fail("initial", f"{where}: every per-state entry needs a source")

    if initial.get("all") is not None:
        check("all", initial["all"], False)
    states = initial.get("states") or {}
    if not isinstance(states, dict):
        fail("initial", "states: expected a mapping of ISO3 -> components")
        return
    for state, spec in states.items():
        if not reference.is_state(str(state).upper()):
            fail("initial", f"states: {state!r} is not an ISO3 state code")
            continue
        check(f"states.{state}", spec, True)


def _normalize_initial(initial: dict) -> dict:
    out: dict[str, Any] = {}
    if initial.get("all"):
        out["all"] = dict(initial["all"])
    if initial.get("states"):
        out["states"] = {str(k).upper(): dict(v) for k, v in initial["states"].items()}
    return out
