"""The act types: one row per type, in the order acts of one day are applied.

Each row says what the act does to a dyad's components (``changes``), which
family of acts it belongs to (two acts of one family by one actor within a week
are likely one event told twice), and whether it moves the ladder. A new act
type is one row here plus a migration that lists the new set of types.

``changes`` are ``(component, rule, value)``: ``set`` puts the value,
``at_least`` raises the component to the value (never lowers it), ``at_most``
lowers it to the value (never raises it); the value ``"date"`` is the act's
date (a contact keeps the latest).
"""
from __future__ import annotations

import dataclasses
from typing import Any


@dataclasses.dataclass(frozen=True)
class ActType:
    name: str
    effect: str
    family: str
    moves_ladder: bool
    changes: tuple[tuple[str, str, Any], ...] = ()


def _contact(name: str) -> ActType:
    return ActType(name, "contact (engaged for 12 months)", "contact", False, (("last_contact", "set", "date"),))


#: Every act type, in the order acts of one day are applied (so a recognition and an ambassador on
#: one day give level 5, not whichever row came first).
ACT_TYPES: tuple[ActType, ...] = (
    ActType("recognize", "recognition on", "recognition", True,
            (("recognition", "set", True), ("nonrecognition", "set", False))),
    ActType("withdraw_recognition", "recognition off", "recognition", True, (("recognition", "set", False),)),
    ActType("freeze_recognition", "recognition off (frozen)", "recognition", True, (("recognition", "set", False),)),
    ActType("accept_ambassador", "target's ambassador accredited in the actor's capital", "hosted", True,
            (("hosted", "set", "ambassador"),)),
    ActType("accept_envoy", "target's charge or appointees accepted; target's embassy or consulate handed to them",
            "hosted", True, (("hosted", "at_least", "envoy"),)),
    ActType("expel_envoy", "target's representation on the actor's soil ended", "hosted", True,
            (("hosted", "set", "none"),)),
    ActType("appoint_ambassador", "actor's ambassador accredited to the target", "mission", True,
            (("mission", "set", "ambassador"),)),
    ActType("open_mission", "actor's mission in the target's capital opened or kept open", "mission", True,
            (("mission", "at_least", "mission"),)),
    ActType("downgrade_mission", "actor's mission in the target's capital downgraded below ambassador", "mission", True,
            (("mission", "at_most", "mission"),)),
    ActType("close_mission", "actor's mission in the target's capital closed", "mission", True,
            (("mission", "set", "none"),)),
    _contact("official_visit"),
    _contact("host_visit"),
    _contact("attend_conference"),
    _contact("host_conference"),
    _contact("sign_agreement"),
    ActType("designate", "hostile: on the actor's terror or banned list", "designation", True,
            (("designated", "set", True),)),
    ActType("delist", "off the actor's terror or banned list", "designation", True, (("designated", "set", False),)),
    ActType("impose_sanctions", "hostile: sanctioned by the actor", "sanctions", True, (("sanctioned", "set", True),)),
    ActType("lift_sanctions", "sanctions lifted", "sanctions", True, (("sanctioned", "set", False),)),
    ActType("use_force", "hostile: armed force by the actor against the target (strikes, border war)", "force", True,
            (("at_war", "set", True),)),
    ActType("ceasefire", "ceasefire or end of hostilities: the use of force no longer holds", "force", True,
            (("at_war", "set", False),)),
    ActType("suspend_membership", "organization suspends the target", "membership", True),
    ActType("readmit_membership", "organization readmits the target", "membership", True),
    ActType("declare_nonrecognition", "the actor states it will not recognize: consensus membership", "consensus",
            False, (("nonrecognition", "set", True),)),
    ActType("other", "context only", "other", False),
)

#: Act type -> its effect, in the order of ``ACT_TYPES``.
ACTS: dict[str, str] = {t.name: t.effect for t in ACT_TYPES}
BY_NAME: dict[str, ActType] = {t.name: t for t in ACT_TYPES}
ACT_ORDER: dict[str, int] = {t.name: i for i, t in enumerate(ACT_TYPES)}
CONTACT_ACTS = frozenset(t.name for t in ACT_TYPES if t.family == "contact")
LADDER_ACTS = frozenset(t.name for t in ACT_TYPES if t.moves_ladder)
#: Acts that set or clear the hostile flag through a designation or sanctions (binding organizations pass these on).
HOSTILE_ACTS = frozenset(t.name for t in ACT_TYPES if t.family in ("designation", "sanctions"))


def markdown_table() -> str:
    """The act types as the Markdown table of docs/DESIGN.md (a test checks that the two agree)."""
    rows = ["| act | family | moves the ladder | effect |", "|---|---|---|---|"]
    rows += [f"| `{t.name}` | {t.family} | {'yes' if t.moves_ladder else 'no'} | {t.effect} |" for t in ACT_TYPES]
    return "\n".join(rows) + "\n"
