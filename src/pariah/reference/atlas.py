"""Land borders, populations and capitals of today's states, as shipped in ``atlas.csv``.

The file is written from pyworldatlas (GeoNames, Natural Earth) by ``python -m
pariah.reference.atlas`` (pyworldatlas is in the ``dev`` extra), so that reading it costs a
few milliseconds, needs no library at run time, and the covariates built on it do not change
when the library does. A test checks the file against pyworldatlas.
"""
from __future__ import annotations

import csv
import io
from importlib import resources
from pathlib import Path

#: The pyworldatlas release the shipped file was written from.
PYWORLDATLAS = "0.10.0"
COLUMNS = ("iso3", "neighbours", "population", "capital_lat", "capital_lon")

Atlas = tuple[dict[str, list[str]], dict[str, "int | None"], dict[str, tuple[float, float]]]


def from_pyworldatlas() -> Atlas:
    """Borders, populations and capital coordinates read from pyworldatlas itself."""
    import pyworldatlas

    atlas = pyworldatlas.Atlas()
    neighbours: dict[str, list[str]] = {}
    population: dict[str, int | None] = {}
    capitals: dict[str, tuple[float, float]] = {}
    for country in atlas.countries():
        code = country.alpha3
        if code is None:
            continue
        neighbours[code] = sorted(n.alpha3 for n in atlas.neighbors(code) if n.alpha3 is not None)
        population[code] = getattr(country, "population", None)
        if country.capital_coordinates is not None:
            capitals[code] = (country.capital_coordinates.latitude, country.capital_coordinates.longitude)
    atlas.close()
    return neighbours, population, capitals


def to_csv(atlas: Atlas) -> str:
    neighbours, population, capitals = atlas
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for code in sorted(neighbours):
        lat, lon = capitals.get(code, ("", ""))
        count = population.get(code)
        writer.writerow([code, " ".join(neighbours[code]), "" if count is None else count, lat, lon])
    return out.getvalue()


def read(text: str) -> Atlas:
    neighbours: dict[str, list[str]] = {}
    population: dict[str, int | None] = {}
    capitals: dict[str, tuple[float, float]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        code = row["iso3"]
        neighbours[code] = row["neighbours"].split()
        population[code] = int(row["population"]) if row["population"] else None
        if row["capital_lat"]:
            capitals[code] = (float(row["capital_lat"]), float(row["capital_lon"]))
    return neighbours, population, capitals


def shipped() -> Atlas:
    """The atlas as shipped in the package."""
    return read(resources.files("pariah.reference").joinpath("atlas.csv").read_text(encoding="utf-8"))


if __name__ == "__main__":
    path = Path(__file__).with_name("atlas.csv")
    path.write_text(to_csv(from_pyworldatlas()), encoding="utf-8")
    print(f"wrote {path}")
