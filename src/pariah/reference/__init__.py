"""Reference data: states, organizations, blocs, regions, borders, populations.

Where a well-kept package ships the data, pariah reads it from there:

- ``country_converter`` (coco) 1.3.2: names, ISO3, UN M49 code, region and
  subregion, UN membership year, EU, G7, CIS and Council of Europe membership,
  and the name patterns used to normalize country names. coco 1.3.2 cannot
  build its converter under pandas 3, so pariah reads the package's own table
  (``country_data.tsv``) through ``importlib.resources`` and applies its name
  patterns itself (see ``resolve_actor``).
- ``pyworldatlas`` 0.10.0: land borders, population and capital coordinates
  (GeoNames, Natural Earth), written once into ``atlas.csv`` by
  ``python -m pariah.reference.atlas`` and read from there (``atlas``).

What no package ships is data in this folder, each row with its source:
``extra_states.csv`` (Kosovo, Taiwan: population, neighbours and capital coordinates),
``historical_states.csv`` (former states such as the GDR, and entities few or
none recognize, such as Northern Cyprus: codes and the state whose region they take),
``blocs.csv`` (NATO, G20, SCO, BRICS, CSTO, OIC, Arab League, GCC, ASEAN,
African Union, P5), ``organizations.csv`` (the organization actors) and
``outlets.csv`` (the names of the outlets most cited, by web domain, for showing a source as its outlet).
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from importlib import resources

import pandas as pd

from pariah.exceptions import UnknownActor

#: Blocs whose membership comes from country_converter's table (coco column -> bloc code).
COCO_BLOCS = {"EU": "EU", "G7": "G7", "CIS": "CIS", "CoE": "COE"}


def _data(name: str):
    return resources.files("pariah.reference").joinpath(name)


@functools.cache
def _coco_table() -> pd.DataFrame:
    path = resources.files("country_converter").joinpath("country_data.tsv")
    with path.open(encoding="utf-8") as f:
        table = pd.read_csv(f, sep="\t", dtype=str, keep_default_na=False, na_values=[""])
    return table[table["obsolete"].isna()].reset_index(drop=True)


@functools.cache
def _atlas() -> tuple[dict[str, list[str]], dict[str, int | None], dict[str, tuple[float, float]]]:
    from pariah.reference import atlas

    return atlas.shipped()


@functools.cache
def state_codes() -> tuple[str, ...]:
    """The ISO3 codes of ``states()``, sorted, without loading borders and populations."""
    return tuple(sorted([*_coco_table()["ISO3"], *_historical_table()["iso3"]]))


@functools.cache
def _historical_table() -> pd.DataFrame:
    return pd.read_csv(_data("historical_states.csv").open(encoding="utf-8"), dtype=str, keep_default_na=False)


@functools.cache
def states() -> pd.DataFrame:
    """Every state pariah knows: one row per ISO3 code.

    Columns: ``iso3``, ``name``, ``m49``, ``region`` (UN M49 region), ``subregion``,
    ``un_member`` (bool), ``un_joined`` (year or <NA>), ``population``,
    ``neighbours`` (tuple of ISO3), ``capital_lat`` and ``capital_lon`` (degrees, the capital's
    coordinates; a former state or unrecognized entity takes those of its ``parent``), ``source``, ``kind`` (``state``, or ``former`` and
    ``unrecognized`` for the rows of ``historical_states.csv``). Example row::

        iso3=AFG name=Afghanistan region=Asia subregion=Southern Asia
        un_member=True un_joined=1946 neighbours=(CHN, IRN, PAK, TJK, TKM, UZB)

    Citation: country_converter (Stadler 2017, doi:10.21105/joss.00332) and
    pyworldatlas (GeoNames, Natural Earth); ``extra_states.csv`` for the rest.
    """
    coco = _coco_table()
    neighbours, population, capitals = _atlas()
    extra = pd.read_csv(_data("extra_states.csv").open(encoding="utf-8"), dtype=str, keep_default_na=False)
    extra_by = {row.iso3: row for row in extra.itertuples()}
    # Kosovo and Taiwan are missing from pyworldatlas: add them, and make borders symmetric.
    neighbours = {k: list(v) for k, v in neighbours.items()}
    for row in extra.itertuples():
        neighbours[row.iso3] = row.neighbours.split() if row.neighbours else []
        for other in neighbours[row.iso3]:
            neighbours.setdefault(other, [])
            if row.iso3 not in neighbours[other]:
                neighbours[other].append(row.iso3)
    region = coco["continent"].replace({"America": "Americas"})
    rows = pd.DataFrame(
        {
            "iso3": coco["ISO3"],
            "name": coco["name_short"],
            "m49": coco["UNcode"],
            "region": region,
            "subregion": coco["UNregion"],
            "un_member": coco["UNmember"].notna(),
            "un_joined": pd.to_numeric(coco["UNmember"]).astype("Int64"),
        }
    )
    rows["population"] = [
        (int(extra_by[i].population) if extra_by[i].population else None) if i in extra_by else population.get(i) for i in rows["iso3"]
    ]
    rows["population"] = rows["population"].astype("Int64")
    rows["neighbours"] = [tuple(sorted(neighbours.get(i, []))) for i in rows["iso3"]]
    capitals = {**capitals, **{row.iso3: (float(row.capital_lat), float(row.capital_lon)) for row in extra.itertuples()}}
    rows["capital_lat"] = [capitals[i][0] if i in capitals else float("nan") for i in rows["iso3"]]
    rows["capital_lon"] = [capitals[i][1] if i in capitals else float("nan") for i in rows["iso3"]]
    rows["source"] = [
        extra_by[i].source if i in extra_by else "country_converter 1.3.2; pyworldatlas 0.10.0 (reference/atlas.csv)" for i in rows["iso3"]
    ]
    rows["kind"] = "state"
    rows = pd.concat([rows, _historical_rows(rows)], ignore_index=True)
    return rows.set_index("iso3", drop=False).sort_index()


def _historical_rows(current: pd.DataFrame) -> pd.DataFrame:
    """Former states and unrecognized entities, each in the region of the state named as its ``parent``."""
    table = _historical_table()
    parent = current.set_index("iso3").reindex(table["parent"])
    return pd.DataFrame({
        "iso3": table["iso3"], "name": table["name"], "m49": pd.NA,
        "region": parent["region"].to_numpy(), "subregion": parent["subregion"].to_numpy(),
        "un_member": False, "un_joined": pd.array([pd.NA] * len(table), dtype="Int64"),
        "population": pd.array([pd.NA] * len(table), dtype="Int64"),
        "neighbours": [()] * len(table), "capital_lat": parent["capital_lat"].to_numpy(),
        "capital_lon": parent["capital_lon"].to_numpy(), "source": table["source"], "kind": table["kind"],
    })


@functools.cache
def organizations() -> pd.DataFrame:
    """Organizations that can be actors. Columns: ``code``, ``name``, ``members`` (a bloc code or empty)."""
    table = pd.read_csv(_data("organizations.csv").open(encoding="utf-8"), dtype=str, keep_default_na=False)
    return table.set_index("code", drop=False)


@functools.cache
def blocs() -> pd.DataFrame:
    """Bloc membership, one row per bloc and state: ``bloc``, ``iso3``, ``joined``, ``left`` (years), ``source``.

    Example row: ``bloc=NATO iso3=FIN joined=2023``. EU, G7, CIS and COE come
    from country_converter (current members, no years); the rest from
    ``blocs.csv``, each row with its source.
    """
    coco = _coco_table()
    parts = []
    for column, bloc in COCO_BLOCS.items():
        members = coco.loc[coco[column].notna(), "ISO3"]
        parts.append(pd.DataFrame({"bloc": bloc, "iso3": members, "joined": pd.NA, "left": pd.NA,
                                   "source": f"country_converter 1.3.2, column {column}"}))
    data = pd.read_csv(_data("blocs.csv").open(encoding="utf-8"), dtype=str, keep_default_na=False, na_values=[""])
    parts.append(data)
    table = pd.concat(parts, ignore_index=True)
    table["joined"] = pd.to_numeric(table["joined"]).astype("Int64")
    table["left"] = pd.to_numeric(table["left"]).astype("Int64")
    return table


def bloc_codes() -> list[str]:
    return sorted(blocs()["bloc"].unique())


def bloc_members(bloc: str, on: dt.date | None = None) -> list[str]:
    """ISO3 codes of a bloc's members (on a date, by joining and leaving year, when given)."""
    return list(_bloc_members(bloc.upper(), None if on is None else on.year))


@functools.cache
def _bloc_members(bloc: str, year: int | None) -> tuple[str, ...]:
    table = blocs()
    rows = table[table["bloc"] == bloc]
    if year is not None:
        joined_ok = rows["joined"].isna() | (rows["joined"] <= year)
        not_left = rows["left"].isna() | (rows["left"] > year)
        rows = rows[joined_ok & not_left]
    return tuple(sorted(rows["iso3"]))


def un_members(on: dt.date) -> list[str]:
    """ISO3 codes of UN member states in the year of ``on``, sorted (from country_converter's table alone,
    so that a status needs no borders or populations)."""
    return [code for code, year in _un_joined() if year <= on.year]


@functools.cache
def _un_joined() -> tuple[tuple[str, int], ...]:
    coco = _coco_table()
    joined = pd.to_numeric(coco["UNmember"])
    return tuple(sorted((code, int(year)) for code, year in zip(coco["ISO3"], joined) if year == year))


def is_state(code: str) -> bool:
    return code in _state_code_set()


@functools.cache
def _state_code_set() -> frozenset[str]:
    return frozenset(state_codes())


def is_organization(code: str) -> bool:
    return code in organizations().index


#: Longer values are refused before any lookup: no state or organization has a name this long.
MAX_ACTOR = 100


def _normal(text: str) -> str:
    """A name as looked up: case-folded, ``&`` as ``and``, punctuation dropped, spaces collapsed, no leading 'the'."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("&", " and ")
    text = re.sub(r"[^\w\s]", " ", text)
    text = " ".join(text.split())
    return text[4:] if text.startswith("the ") else text


@functools.cache
def _aliases() -> dict[str, str]:
    """Normalized name -> code: every state's short and official name (country_converter, the former states
    file), every organization's name, and ``aliases.csv``. A name shared by two codes is left out."""
    coco = _coco_table()
    pairs = [*zip(coco["name_short"], coco["ISO3"]), *zip(coco["name_official"], coco["ISO3"])]
    table = _historical_table()
    pairs += list(zip(table["name"], table["iso3"]))
    orgs = organizations()
    pairs += list(zip(orgs["name"], orgs["code"]))
    extra = pd.read_csv(_data("aliases.csv").open(encoding="utf-8"), dtype=str, keep_default_na=False)
    pairs += list(zip(extra["alias"], extra["code"]))
    found: dict[str, set[str]] = {}
    for text, code in pairs:
        if isinstance(text, str) and text:
            found.setdefault(_normal(text), set()).add(code)
    return {key: codes.pop() for key, codes in found.items() if len(codes) == 1}


def _candidates(key: str) -> list[str]:
    """Codes whose names hold every word of ``key`` (for the message of an unknown or ambiguous name)."""
    words = set(key.split())
    if not words:
        return []
    return sorted({code for name, code in _aliases().items() if words <= set(name.split())})


@functools.cache
def resolve_actor(value: str) -> str:
    """An actor as written in a file -> its code, by exact lookup of the code or of a name.

    ``'CHN'`` -> ``'CHN'``, ``'un'`` -> ``'UN'``, ``'People's Republic of China'`` -> ``'CHN'``.
    A name is one of the states' and organizations' names, or an alias of ``aliases.csv``;
    nothing is guessed from part of a name. Raises ``UnknownActor`` otherwise, with the candidate
    codes when the value is part of several names ("Korea": KOR or PRK).
    """
    text = (value or "").strip()
    if len(text) > MAX_ACTOR:
        raise UnknownActor(text[:40] + "...")
    code = text.upper()
    if code and (is_state(code) or is_organization(code)):
        return code
    key = _normal(text)
    if key in _aliases():
        return _aliases()[key]
    candidates = _candidates(key) if len(key) > 2 else []
    raise UnknownActor(value, candidates if 1 < len(candidates) <= 6 else None)


@functools.cache
def _names() -> dict[str, str]:
    """Code -> short name, for states (current and former) and organizations, without borders or populations."""
    coco = _coco_table()
    out = dict(zip(coco["ISO3"], coco["name_short"]))
    table = _historical_table()
    out.update(zip(table["iso3"], table["name"]))
    orgs = organizations()
    out.update(zip(orgs["code"], orgs["name"]))
    return out


def name(code: str) -> str:
    """Short name of a state or organization code (the code itself when pariah knows neither)."""
    return _names().get(code, code)


@functools.cache
def _outlets() -> dict[str, str]:
    table = pd.read_csv(_data("outlets.csv").open(encoding="utf-8"), dtype=str, keep_default_na=False)
    return dict(zip(table["domain"], table["outlet"]))


def outlet(host: str) -> str:
    """The outlet a web host belongs to: the name ``outlets.csv`` gives its domain or a parent domain
    (``uk.reuters.com`` -> ``Reuters``), else the host itself without ``www.``."""
    host = host.lower().rstrip(".").removeprefix("www.")
    parts = host.split(".")
    for i in range(len(parts) - 1):
        name = _outlets().get(".".join(parts[i:]))
        if name is not None:
            return name
    return host
