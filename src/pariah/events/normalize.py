"""Normalization of event lines: one Ibis expression per format, the same on every engine, that parses
dates, codes and scores, checks them, and names the problem of every malformed line."""
from __future__ import annotations


from pariah.events import codes
from pariah.events.formats import GDELT_USED, ICEWS_USED, Layout, POLECAT_SOURCE, _key
from pariah.exceptions import UnknownActor


# ---- normalization (Ibis; the same expression on every engine) -----------------------
#
# Two steps, so that the work done on every row of a file is small: ``normalize``
# gives every row its fields as text and its ``problem`` (cheap checks), and
# ``finish`` turns the few rows kept (the target's events, the malformed rows) into
# typed values: the day, the quad class, the Goldstein score.

def _text(t, name: str):
    """A text column: engines give every field as text, empty rather than null (DuckDB: ``force_not_null``)."""
    return t[name]


def _problem(*checks):
    """The first failing check's message, else null. ``checks``: (bad condition, message) pairs."""
    import ibis

    return ibis.cases(*checks, else_=ibis.null("string"))


def _parsed(t, **values):
    """``t`` with ``values`` computed beneath it, once per row, and those values' columns by name.

    A value several checks read (a date as a number, say) would otherwise be
    computed once for each use: engines do not share a sub-expression between the
    branches of a ``CASE``. Computing them in a query of their own (``view``) saves
    about a third of what the checks cost.
    """
    names = {name: f"_parsed_{name}" for name in values}
    out = t.mutate(**{names[name]: value for name, value in values.items()}).view()
    return out, {name: out[column] for name, column in names.items()}


def _marked(text):
    """``text`` behind a leading ``1``, for ``_digits``: the ``1`` keeps leading zeros through a cast."""
    return "1" + text


def _digits(text, marked):
    """Whether ``text`` is 1 to 18 ASCII digits (leading zeros allowed; more would not fit a 64-bit
    integer behind the ``1``); ``marked``: ``_marked(text)``.

    A number read back as text must give the same text: engines' casts also take
    signs, blanks, ``_`` separators or ``0x`` prefixes, and these do not survive
    the round trip.
    """
    return ((text.length() > 0) & (marked.try_cast("int64").cast("string") == marked)).fill_null(False)


def _date_digits(date_text, compact: bool):
    """The eight digits of a ``YYYYMMDD`` (compact) or ``YYYY-MM-DD`` date, as text."""
    if compact:
        return date_text
    return date_text.substr(0, 4) + date_text.substr(5, 2) + date_text.substr(8, 2)


def _date_number(date_text, compact: bool):
    """A date's eight digits as one integer, for ``_date_ok`` (null when they are not a number)."""
    return _date_digits(date_text, compact).try_cast("int64")


def _date_ok(date_text, compact: bool, number):
    """Whether ``YYYYMMDD`` (compact) or ``YYYY-MM-DD`` text is a real date (cheap enough for every row).

    ``number``: ``_date_number(date_text, compact)``, the eight digits read as one
    integer (which must give the same digits back), split by arithmetic: ``MMDD``
    from 0101 to 1231, the day from 01 to 31, and the month's length where the day
    is past the 28th.
    """
    import ibis

    digits = _date_digits(date_text, compact)
    if compact:
        shape = date_text.length() == 8
    else:
        shape = (date_text.length() == 10) & (date_text.substr(4, 1) == "-") & (date_text.substr(7, 1) == "-")
    month_day = number % 10000
    day = month_day % 100
    year = number // 10000
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    # Days 29 to 31 (a few rows in ten) need the month's length; the rest are sound as they stand.
    short = ~month_day.isin([230, 231, 431, 631, 931, 1131]) & ibis.ifelse(month_day == 229, leap, True)
    ok = (shape & (number.cast("string") == digits) & number.between(10000101, 99991231)
          & month_day.between(101, 1231) & day.between(1, 31) & ibis.ifelse(day <= 28, True, short))
    return ok.fill_null(False)


def _id_check(name: str, text, marked):
    """The check of an event id column ``name``: 1 to 18 digits (``marked``: ``_marked(text)``)."""
    import ibis

    return _bad(_digits(text, marked)), ibis.literal(f"{name}: expected 1 to 18 digits, found '") + text + "'"


def _date_check(name: str, text, compact: bool, number, checked=None):
    """The check of a date column ``name``: ``checked`` (default: ``text``, all of it) is a real ``YYYYMMDD``
    (compact) or ``YYYY-MM-DD`` date; ``number``: its ``_date_number``. The message shows ``text``."""
    import ibis

    shape = "YYYYMMDD" if compact else "YYYY-MM-DD"
    ok = _date_ok(text if checked is None else checked, compact, number)
    return _bad(ok), ibis.literal(f"{name}: bad date '") + text + f"', expected {shape}"


def _day(date_text, compact: bool):
    import ibis

    ok = _date_ok(date_text, compact, _date_number(date_text, compact))  # kept rows only: no need to hoist
    if compact:
        iso = date_text.substr(0, 4) + "-" + date_text.substr(4, 2) + "-" + date_text.substr(6, 2)
    else:
        iso = date_text
    return ibis.ifelse(ok, iso.try_cast("date"), ibis.null("date"))


def _score(text):
    return text.try_cast("float64")


def _score_ok(score):
    """Whether a score (``_score`` of the text) is on the Goldstein scale, -10 to 10."""
    return (score.notnull() & score.between(-10, 10)).fill_null(False)


def _bad(ok):
    return ~ok


def countries_needed(layout: Layout) -> tuple[str, ...]:
    """Columns holding country names or codes that must be resolved to ISO3 before normalizing."""
    if layout.fmt == "icews":
        return ("Source Country", "Target Country")
    if layout.fmt == "polecat" and layout.records is None:
        return (_column(layout, "Actor Country"), _column(layout, "Recipient Country"))
    return ()


def _column(layout: Layout, wanted: str) -> str:
    for c in layout.columns:
        if _key(c) == _key(wanted):
            return c
    return ""


def resolve_countries(values) -> dict[str, str]:
    """Country names or codes as written in a file -> ISO3; values naming no state are left out."""
    from pariah import reference

    out = {}
    for value in values:
        if not value:
            continue
        try:
            code = reference.resolve_actor(value)
        except UnknownActor:
            continue
        if reference.is_state(code):
            out[value] = code
    return out


def normalize(layout: Layout, raw, countries: dict[str, str] | None = None):
    """The raw table of ``layout`` (strings, ``_row``, ``_structural``) -> ``TEXT_COLUMNS`` and ``problem``."""
    import ibis

    if layout.fmt in ("gdelt1", "gdelt2"):
        out = _normalize_gdelt(raw, layout)
    elif layout.fmt == "icews":
        out = _normalize_icews(raw, countries or {})
    elif layout.records is not None:
        out = _normalize_plover(raw)
    else:
        out = _normalize_polecat(raw, layout, countries or {})
    # The country names as written, whichever of them resolve (perhaps none): so that every pass reads these
    # columns, and DuckDB's reader sets aside the same lines in each (it checks the encoding of the columns a
    # query reads); and lines that differ there are different lines.
    needed = countries_needed(layout)
    written = ibis.literal("\t").join([out[c] for c in needed]) if needed else ibis.literal("")
    return out.mutate(countries_written=written).select(*TEXT_COLUMNS)


def finish(layout: Layout, t):
    """Typed values of kept rows: ``day`` (date), ``quad`` (1-4, 0 when malformed), ``goldstein`` (float or null)."""
    import ibis

    compact = layout.fmt in ("gdelt1", "gdelt2")
    if compact:
        quad = ibis.ifelse(t.quad_text.isin(["1", "2", "3", "4"]), t.quad_text, "0").cast("int8")
    elif layout.fmt == "icews":
        quad = t.category.substitute(codes.CAMEO_ROOT_QUAD, else_=ibis.literal(0)).cast("int8")
    else:
        table = codes.plover()
        quad = t.category.substitute(dict(zip(table["category"], table["quad"].astype(int))),
                                     else_=ibis.literal(0)).cast("int8")
    goldstein = _score(t.goldstein_text) if layout.fmt != "polecat" else ibis.null("float64")
    return t.mutate(day=_day(t.date_text, compact), quad=quad, goldstein=goldstein)


#: Columns of a normalized row, all text but ``_row`` (int) and ``problem`` (null when the row is sound);
#: ``_file`` is the path of the file the row comes from, ``countries_written`` the country names as written
#: (ICEWS, POLECAT), which ``a1_country`` and ``a2_country`` resolve.
TEXT_COLUMNS = ("_row", "_file", "event_id", "date_text", "a1_code", "a1_country", "a1_group", "a2_code",
                "a2_country", "a2_group", "actor1", "actor2", "code", "category", "mode", "quad_text", "goldstein_text",
                "source", "countries_written", "problem")


CAMEO_ROOTS = tuple(f"{n:02d}" for n in range(1, 21))


def _cameo_checks(code, root, score_text, parsed: dict, code_name: str, root_name: str | None,
                  score_name: str):
    """Checks of a CAMEO event code, its root code (when the data give one) and a Goldstein-scale score.

    The root is one of "01" to "20" and the code two to four digits starting with it.
    ``parsed``: ``code`` (``_marked`` code) and ``score`` (``_score`` of ``score_text``), see ``_parsed``.
    """
    import ibis

    root_ok = root.isin(CAMEO_ROOTS)
    code_ok = code.length().between(2, 4) & _digits(code, parsed["code"]) & code.startswith(root)
    checks = []
    if root_name is not None:
        checks.append((_bad(root_ok), ibis.literal(f"{root_name}: bad CAMEO root code '") + root + "'"))
    else:
        code_ok = code_ok & root_ok
    checks += [
        (_bad(code_ok.fill_null(False)), ibis.literal(f"{code_name}: bad CAMEO event code '") + code + "'"),
        (_bad(_score_ok(parsed["score"])),
         ibis.literal(f"{score_name}: expected a score from -10 to 10, found '") + score_text + "'"),
    ]
    return checks


def _normalize_gdelt(t, layout: Layout):
    import ibis

    t, parsed = _parsed(t, event_id=_marked(t["GLOBALEVENTID"]), date=_date_number(t["SQLDATE"], True),
                        code=_marked(t["EventCode"]), score=_score(t["GoldsteinScale"]))
    s = {c: _text(t, c) for c in GDELT_USED if c != "SOURCEURL"}
    source = _text(t, "SOURCEURL") if "SOURCEURL" in layout.columns else ibis.literal("")
    event_id = s["GLOBALEVENTID"]
    problem = ibis.coalesce(t["_structural"], _problem(
        _id_check("GLOBALEVENTID", event_id, parsed["event_id"]),
        _date_check("SQLDATE", s["SQLDATE"], True, parsed["date"]),
        *_cameo_checks(s["EventCode"], s["EventRootCode"], s["GoldsteinScale"], parsed, "EventCode",
                       "EventRootCode", "GoldsteinScale"),
        (~s["QuadClass"].isin(["1", "2", "3", "4"]),
         ibis.literal("QuadClass: expected 1 to 4, found '") + s["QuadClass"] + "'"),
    ))
    return t.mutate(
        event_id=event_id, date_text=s["SQLDATE"],
        a1_code=s["Actor1Code"], a1_country=s["Actor1CountryCode"], a1_group=s["Actor1KnownGroupCode"],
        a2_code=s["Actor2Code"], a2_country=s["Actor2CountryCode"], a2_group=s["Actor2KnownGroupCode"],
        actor1=s["Actor1Code"], actor2=s["Actor2Code"], code=s["EventCode"], category=s["EventRootCode"],
        mode=ibis.literal(""), quad_text=s["QuadClass"], goldstein_text=s["GoldsteinScale"], source=source,
        problem=problem,
    )


def _normalize_icews(t, countries: dict[str, str]):
    import ibis

    t, parsed = _parsed(t, event_id=_marked(t["Event ID"]), date=_date_number(t["Event Date"], False),
                        code=_marked(t["CAMEO Code"]), score=_score(t["Intensity"]))
    s = {c: _text(t, c) for c in ICEWS_USED}
    code = s["CAMEO Code"]
    root = code.substr(0, 2)
    event_id = s["Event ID"]
    problem = ibis.coalesce(t["_structural"], _problem(
        _id_check("Event ID", event_id, parsed["event_id"]),
        _date_check("Event Date", s["Event Date"], False, parsed["date"]),
        *_cameo_checks(code, root, s["Intensity"], parsed, "CAMEO Code", None, "Intensity"),
    ))
    source = ibis.ifelse(s["Publisher"] != "", s["Publisher"] + ", ", "") + "ICEWS story " + s["Story ID"]
    a1 = s["Source Country"].substitute(countries, else_=ibis.literal("")) if countries else ibis.literal("")
    a2 = s["Target Country"].substitute(countries, else_=ibis.literal("")) if countries else ibis.literal("")
    return t.mutate(
        event_id=event_id + ":" + s["Event Date"], date_text=s["Event Date"],
        a1_code=ibis.literal(""), a1_country=a1, a1_group=ibis.literal(""),
        a2_code=ibis.literal(""), a2_country=a2, a2_group=ibis.literal(""),
        actor1=s["Source Name"], actor2=s["Target Name"], code=code, category=root, mode=ibis.literal(""),
        quad_text=ibis.literal(""), goldstein_text=s["Intensity"], source=source, problem=problem,
    )


def _plover_checks(event, date_text, date_number, event_name: str, date_name: str):
    """Checks of a PLOVER event category and a date (``date_number``: ``_date_number`` of its first 10 characters)."""
    import ibis

    categories = list(codes.plover()["category"])
    return [
        _date_check(date_name, date_text, False, date_number, checked=date_text.substr(0, 10)),
        (~event.isin(categories), ibis.literal(f"{event_name}: unknown PLOVER category '") + event + "'"),
    ]


def _normalize_plover(t):
    import ibis

    t, parsed = _parsed(t, date=_date_number(t["date"].substr(0, 10), False))
    s = {c: _text(t, c) for c in ("id", "date", "event", "mode", "source_code", "target_code", "source_text",
                                  "target_text", "url")}
    event = s["event"].upper()
    problem = ibis.coalesce(t["_structural"], _problem(
        (s["id"] == "", ibis.literal("id: missing")),
        *_plover_checks(event, s["date"], parsed["date"], "event", "date"),
    ))
    src, tgt = s["source_code"].upper(), s["target_code"].upper()
    return t.mutate(
        event_id=s["id"] + ":" + src + ">" + tgt, date_text=s["date"].substr(0, 10),
        a1_code=src, a1_country=src, a1_group=ibis.literal(""),
        a2_code=tgt, a2_country=tgt, a2_group=ibis.literal(""),
        actor1=ibis.ifelse(s["source_text"] != "", s["source_text"], src),
        actor2=ibis.ifelse(s["target_text"] != "", s["target_text"], tgt),
        code=event, category=event, mode=s["mode"].lower(), quad_text=ibis.literal(""),
        goldstein_text=ibis.literal(""), source=s["url"], problem=problem,
    )


def _normalize_polecat(t, layout: Layout, countries: dict[str, str]):
    import ibis

    def col(name):
        found = _column(layout, name)
        return _text(t, found) if found else ibis.literal("")

    t, parsed = _parsed(t, date=_date_number(col("Event Date").substr(0, 10), False))
    source_column = next((c for c in POLECAT_SOURCE if _column(layout, c)), None)
    source = col(source_column) if source_column else ibis.literal("")
    event_id = col("Event ID")
    event = col("Event Type").upper()
    problem = ibis.coalesce(t["_structural"], _problem(
        (event_id == "", ibis.literal("Event ID: missing")),
        *_plover_checks(event, col("Event Date"), parsed["date"], "Event Type", "Event Date"),
    ))
    actor, recipient = col("Actor Country"), col("Recipient Country")
    a1 = actor.substitute(countries, else_=ibis.literal("")) if countries else ibis.literal("")
    a2 = recipient.substitute(countries, else_=ibis.literal("")) if countries else ibis.literal("")
    return t.mutate(
        event_id=event_id, date_text=col("Event Date").substr(0, 10),
        a1_code=actor.upper(), a1_country=a1, a1_group=ibis.literal(""),
        a2_code=recipient.upper(), a2_country=a2, a2_group=ibis.literal(""),
        actor1=ibis.ifelse(col("Actor Name") != "", col("Actor Name"), actor),
        actor2=ibis.ifelse(col("Recipient Name") != "", col("Recipient Name"), recipient),
        code=event, category=event, mode=col("Event Mode").lower(), quad_text=ibis.literal(""),
        goldstein_text=ibis.literal(""), source=source, problem=problem,
    )
