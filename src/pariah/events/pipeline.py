"""The event expressions, written once in Ibis and run unchanged by DuckDB or Spark.

``select`` takes one file's normalized rows (``normalize.normalize``) and keeps, in
one pass, the events between the target and a state (in either direction) and
every malformed row, and counts the rows read. ``monthly`` and ``categories``
aggregate dyadic events per state, month and direction.

An event is *to the target* when its source actor (GDELT's Actor1) is a state and
its object (Actor2) is the target, and *from the target* the other way round. An
actor *is* the target when its country code, its full actor code or its known-group
code equals the target (``AFG``; ``TAL`` for the Taliban as GDELT codes them); the
state is the other actor's country, when it is a state and not the target itself.
"""
from __future__ import annotations

from pariah.events import codes

DIRECTIONS = ("to_target", "from_target")
KEPT = ("_row", "event_id", "day", "month", "direction", "state", "actor1", "actor2", "code", "category", "mode",
        "quad", "goldstein", "source", "problem")
MONTHLY = ("state", "month", "direction", "events", "verbal_cooperation", "material_cooperation", "verbal_conflict",
           "material_conflict", "cooperation", "conflict", "goldstein_sum", "goldstein_mean", "cooperation_score",
           "sources")
CATEGORIES = ("state", "month", "direction", "category", "events")
DIGITS = 6  # sums and means are rounded so that every engine gives the same numbers


def _is_target(country, code, group, target: str):
    return (country == target) | (code == target) | (group == target)


def select(norm, target: str, states, finish):
    """Dyadic events of ``target`` and malformed rows, with the count of rows read, in one pass.

    ``norm``: a file's normalized rows (``normalize.normalize``); ``states``: the codes of
    states, an Ibis column of a table of them (a short query to plan: files are many
    and small for GDELT 2.0) or a list; ``finish``: the format's typing of kept rows
    (``normalize.finish``). ``norm`` may hold several files (``_file``), each kept apart.
    Rows are kept when malformed
    (``problem``) or when they name the target; every kept row is grouped by its
    file and content (identical lines fall together, and ``rows`` counts them), all
    other rows of a file into one group (``_key`` null). Grouping rather than filtering lets one
    scan give both the rows kept and the count of rows read, and it needs no row
    order, so the engine reads the file in parallel; only cheap checks run on every
    row, the rest on the rows kept. Returns the kept rows with ``direction`` and
    ``state`` set for dyadic events (null for other events naming the target and
    for malformed rows).
    """
    import ibis  # the events extra; imported here so that the stored aggregates read without it

    keep = (norm.problem.notnull()
            | _is_target(norm.a1_country, norm.a1_code, norm.a1_group, target)
            | _is_target(norm.a2_country, norm.a2_code, norm.a2_group, target))
    content = [c for c in norm.columns if c not in ("_row", "_file")]
    key = ibis.literal("\x1f").join([norm[c].fill_null("") for c in content])
    marked = norm.mutate(_key=ibis.ifelse(keep, key, ibis.null("string")))
    grouped = marked.group_by(["_file", "_key"]).aggregate(rows=marked.count(),
                                                           **{c: marked[c].arbitrary() for c in content})
    t = finish(grouped)
    hit1 = _is_target(t.a1_country, t.a1_code, t.a1_group, target)
    hit2 = _is_target(t.a2_country, t.a2_code, t.a2_group, target)
    to_target = hit2 & ~hit1 & t.a1_country.isin(states) & (t.a1_country != target)
    from_target = hit1 & ~hit2 & t.a2_country.isin(states) & (t.a2_country != target)
    ok = t.problem.isnull() & t._key.notnull()
    direction = ibis.cases((ok & to_target, "to_target"), (ok & from_target, "from_target"),
                           else_=ibis.null("string"))
    state = ibis.cases((ok & to_target, t.a1_country), (ok & from_target, t.a2_country), else_=ibis.null("string"))
    out = t.mutate(direction=direction, state=state, month=t.day.truncate("M").cast("date"))
    return out.select("_file", "_key", "rows", *(c for c in KEPT if c != "_row"))


def malformed(norm):
    """The malformed rows of a file, in file order: ``_row`` (its position), ``problem`` and the row's fields.

    The fields are selected so that this pass reads the columns ``select`` reads: DuckDB's
    reader checks the encoding of the columns a query reads, and sets aside the lines
    that fail. Reading fewer would take in a line the scan set aside (a byte that is not
    UTF-8 in a column no check reads), and number every later row one too far.
    """
    bad = norm.filter(norm.problem.notnull())
    content = [c for c in norm.columns if c not in ("_row", "_file", "problem")]
    return bad.select("_row", "problem", *content).order_by("_row")


def monthly(dyads):
    """Per state, month and direction: event counts by quad class, Goldstein sum and mean, distinct sources.

    ``cooperation_score`` is the Goldstein-weighted cooperation: the sum over
    cooperative events (quad 1 and 2) of their Goldstein score floored at 0, or 1
    per event where the data carry no score (PLOVER). ``goldstein_mean`` is over
    events with a score, null when none has one.
    """
    import ibis  # the events extra; imported here so that the stored aggregates read without it

    q, g = dyads.quad, dyads.goldstein
    cooperative = q.isin(list(codes.COOPERATION))
    weight = ibis.ifelse(g.isnull(), 1.0, ibis.ifelse(g > 0, g, 0.0))
    source = ibis.ifelse(dyads.source != "", dyads.source, ibis.null("string"))

    def count(cond):
        return ibis.ifelse(cond, 1, 0).sum().cast("int64")

    out = dyads.group_by(["state", "month", "direction"]).aggregate(
        events=dyads.count().cast("int64"),
        verbal_cooperation=count(q == 1), material_cooperation=count(q == 2),
        verbal_conflict=count(q == 3), material_conflict=count(q == 4),
        goldstein_sum=g.sum(), goldstein_n=g.count(),
        cooperation_score=ibis.ifelse(cooperative, weight, 0.0).sum(),
        sources=source.nunique().cast("int64"),
    )
    out = out.mutate(
        cooperation=out.verbal_cooperation + out.material_cooperation,
        conflict=out.verbal_conflict + out.material_conflict,
        goldstein_mean=ibis.ifelse(out.goldstein_n > 0, (out.goldstein_sum / out.goldstein_n).round(DIGITS),
                                   ibis.null("float64")),
        goldstein_sum=out.goldstein_sum.round(DIGITS),
        cooperation_score=out.cooperation_score.round(DIGITS),
    )
    return out.select(*MONTHLY).order_by(["state", "month", "direction"])


def categories(dyads):
    """Per state, month, direction and category (CAMEO root ``01``-``20`` or PLOVER category): event counts."""
    out = dyads.group_by(["state", "month", "direction", "category"]).aggregate(events=dyads.count().cast("int64"))
    return out.select(*CATEGORIES).order_by(list(CATEGORIES[:4]))
