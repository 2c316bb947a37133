import datetime as dt

import pandas as pd
import pytest

from pariah import reference
from pariah.exceptions import UnknownActor


def test_country_converter_trap_is_worked_around():
    """coco 1.3.2 cannot build its converter under pandas 3; pariah reads its table instead."""
    if int(pd.__version__.split(".")[0]) >= 3:
        import country_converter

        with pytest.raises(TypeError):
            country_converter.CountryConverter()
    states = reference.states()
    assert states.at["AFG", "name"] == "Afghanistan"
    assert reference.resolve_actor("Afghanistan") == "AFG"


def test_every_un_member_is_there_with_region_and_year():
    members = reference.un_members(dt.date(2024, 1, 1))
    assert len(members) == 193
    states = reference.states()
    assert states.loc[members, "region"].isin(["Africa", "Americas", "Asia", "Europe", "Oceania"]).all()
    assert states.at["SSD", "un_joined"] == 2011
    assert "SSD" not in reference.un_members(dt.date(2010, 6, 1))


def test_state_codes_are_the_states_index():
    assert list(reference.state_codes()) == list(reference.states().index)
    assert {"AFG", "XKX", "TWN"} <= set(reference.state_codes())


@pytest.mark.parametrize("code", ["XKX", "TWN", "PSE", "VAT", "ESH"])
def test_non_member_states_that_cases_need(code):
    states = reference.states()
    assert code in states.index and not states.at[code, "un_member"]


def test_borders_are_symmetric_and_include_kosovo():
    states = reference.states()
    assert set(states.at["XKX", "neighbours"]) == {"ALB", "MKD", "MNE", "SRB"}
    assert "XKX" in states.at["SRB", "neighbours"]
    assert set(states.at["AFG", "neighbours"]) == {"CHN", "IRN", "PAK", "TJK", "TKM", "UZB"}
    for iso3, neighbours in states["neighbours"].items():
        for other in neighbours:
            if other in states.index:
                assert iso3 in states.at[other, "neighbours"], (iso3, other)


def test_population_known_for_members():
    states = reference.states()
    members = reference.un_members(dt.date(2024, 1, 1))
    assert states.loc[members, "population"].notna().all()
    assert states.at["TWN", "population"] > 20_000_000


@pytest.mark.parametrize("bloc", ["NATO", "EU", "G7", "G20", "SCO", "BRICS", "CSTO", "CIS", "OIC", "LAS", "GCC",
                                  "ASEAN", "AU", "P5", "COE"])
def test_every_bloc_has_members_and_sources(bloc):
    table = reference.blocs()
    rows = table[table["bloc"] == bloc]
    assert len(rows) >= 5
    assert rows["source"].str.len().gt(0).all()
    assert rows["iso3"].isin(reference.states().index).all()


def test_bloc_membership_follows_joining_years():
    assert "FIN" not in reference.bloc_members("NATO", dt.date(2022, 6, 1))
    assert "FIN" in reference.bloc_members("NATO", dt.date(2024, 6, 1))
    assert reference.bloc_members("P5") == ["CHN", "FRA", "GBR", "RUS", "USA"]
    assert len(reference.bloc_members("G7")) == 7


@pytest.mark.parametrize("value,code", [("CHN", "CHN"), ("chn", "CHN"), ("un", "UN"), ("People's Republic of China", "CHN"),
                                        ("Türkiye", "TUR"), ("United States", "USA"), ("Kosovo", "XKX"), ("Holy See", "VAT")])
def test_resolve_actor(value, code):
    assert reference.resolve_actor(value) == code


@pytest.mark.parametrize("value", ["XYZ", "", "Atlantis", "Taliban"])
def test_resolve_actor_rejects(value):
    with pytest.raises(UnknownActor):
        reference.resolve_actor(value)


def test_organizations_registry():
    orgs = reference.organizations()
    for code in ["UN", "UNSC", "UNGA", "EU", "LAS", "OIC", "SCO", "AU", "ASEAN", "GCC", "NATO", "COE"]:
        assert code in orgs.index
    assert reference.name("LAS") == "League of Arab States"


@pytest.mark.parametrize("code, region", [("DDR", "Europe"), ("YMD", "Asia"), ("XNC", "Asia"), ("XSL", "Africa"), ("RHO", "Africa")])
def test_former_and_unrecognized_entities_resolve_and_take_their_parents_region(code, region):
    assert reference.resolve_actor(code.lower()) == code
    row = reference.states().loc[code]
    assert row["region"] == region and row["kind"] in ("former", "unrecognized") and not row["un_member"]
    assert code not in reference.un_members(dt.date(1980, 1, 1))


def test_the_organization_of_american_states_is_an_actor():
    assert reference.resolve_actor("oas") == "OAS"


@pytest.mark.parametrize("value", ["Not France", "France; DROP TABLE acts;--", "Frances", "x" * 1_000_000])
def test_names_resolve_by_exact_lookup_only(value):
    with pytest.raises(UnknownActor):
        reference.resolve_actor(value)


@pytest.mark.parametrize("value, candidates", [("Korea", ["KOR", "PRK"]), ("Congo", ["COD", "COG"])])
def test_an_ambiguous_name_is_refused_with_its_candidates(value, candidates):
    with pytest.raises(UnknownActor) as refused:
        reference.resolve_actor(value)
    assert refused.value.candidates == candidates and " or ".join(candidates) in str(refused.value)


@pytest.mark.parametrize("value, code", [("South Korea", "KOR"), ("the Netherlands", "NLD"), ("Turkey", "TUR"),
                                         ("Soviet Union", "RUS"), ("East Germany", "DDR"), ("Côte d'Ivoire", "CIV")])
def test_names_and_aliases(value, code):
    assert reference.resolve_actor(value) == code


def test_every_state_of_a_case_has_its_capital_and_entities_take_their_parents():
    states = reference.states()
    kinds = states[states["kind"] != "state"]
    parents = reference._historical_table().set_index("iso3")["parent"]
    for code, row in kinds.iterrows():
        assert (row["capital_lat"], row["capital_lon"]) == tuple(states.loc[parents[code], ["capital_lat", "capital_lon"]])
    members = states[states["un_member"]]
    assert members["capital_lat"].between(-90, 90).all() and members["capital_lon"].between(-180, 180).all()
    # Kosovo and Taiwan come from extra_states.csv, with their sources
    assert states.at["XKX", "capital_lat"] == pytest.approx(42.667)
    assert "Capital (Taipei) coordinates" in states.at["TWN", "source"]


def test_the_shipped_atlas_is_what_pyworldatlas_holds():
    """atlas.csv is pyworldatlas's data, written by ``python -m pariah.reference.atlas``; rewrite it
    when the pinned release changes."""
    pytest.importorskip("pyworldatlas")
    from importlib.metadata import version

    from pariah.reference import atlas

    assert version("pyworldatlas") == atlas.PYWORLDATLAS
    assert atlas.shipped() == atlas.read(atlas.to_csv(atlas.from_pyworldatlas()))
    neighbours, population, capitals = atlas.shipped()
    assert neighbours["AFG"] == ["CHN", "IRN", "PAK", "TJK", "TKM", "UZB"] and population["AFG"] > 30_000_000
    assert capitals["AFG"] == pytest.approx((34.528, 69.172), abs=1e-3)
