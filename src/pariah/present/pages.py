"""HTML rendering shared by the web app and the report: one Jinja2 environment, autoescaping on.

Every field is escaped by Jinja2; the one way a text becomes markup is the
``sources`` filter, which escapes the text and turns its http(s) URLs, and only
those, into links with ``rel="noopener noreferrer"`` (``pariah.present.sources.link_sources``).
"""
from __future__ import annotations

import functools
from importlib import resources

import jinja2
from markupsafe import Markup

from pariah.present.sources import link_sources

from pariah.acts import ACTS
from pariah.ladder import LEVEL_NAMES, LEVELS
from pariah.present import maps


def _sources(text: str | None) -> Markup:
    return Markup(link_sources(text or ""))


def _percent(value: float | None, digits: int = 0) -> str:
    return "" if value is None else f"{100 * float(value):.{digits}f}%"


def _number(value: float | None, digits: int = 3) -> str:
    return "" if value is None else f"{float(value):.{digits}f}"


@functools.cache
def environment() -> jinja2.Environment:
    """The templates of ``pariah/present/templates``, with autoescaping for every template."""
    import pariah
    from pariah import reference

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pariah.present", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(sources=_sources, percent=_percent, number=_number)
    env.globals.update(
        version=pariah.__version__,
        levels=[{"level": int(level), "name": level.label, "rule": rule} for level, rule in LEVELS],
        level_names=LEVEL_NAMES,
        level_colours=maps.LEVEL_COLOURS,
        target_colour=maps.TARGET_COLOUR,
        outside_colour=maps.OUTSIDE_COLOUR,
        act_types=ACTS,
        is_state=reference.is_state,
    )
    return env


def render(template: str, **context) -> str:
    return environment().get_template(template).render(**context)


@functools.cache
def static_text(name: str) -> str:
    """A file of ``pariah/present/static`` as text (the report inlines the stylesheet)."""
    return resources.files("pariah.present").joinpath("static", name).read_text(encoding="utf-8")
