"""Publication figures (matplotlib, imported lazily): index with its band, cohesion, comparison.

Every figure has a title, axis labels, a source line and, where it helps,
the key acts annotated (acts of the P5 and the coalition leader that move
recognition or ambassadors).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from pariah import reference

KEY_ACTS = {"recognize": "recognizes", "withdraw_recognition": "withdraws recognition",
            "accept_ambassador": "accepts ambassador", "appoint_ambassador": "sends ambassador",
            "expel_envoy": "expels envoy", "suspend_membership": "suspends", "readmit_membership": "readmits"}
SOURCE = "Source: pariah ledger of sourced diplomatic acts"


def plain_text(text: str) -> str:
    """``text`` as matplotlib shows it literally: a ``$`` escaped, so that a name such as
    ``$\\frac{1}{$`` is drawn as written instead of being parsed (and failing) as mathtext."""
    return str(text).replace("$", r"\$")


def key_acts(case, acts: pd.DataFrame, limit: int = 6) -> pd.DataFrame:
    """The acts worth a label: recognition and ambassador moves by the P5, the coalition leader and organizations."""
    big = set(reference.bloc_members("P5")) | {case.coalition_leader}
    if acts.empty:
        return acts
    chosen = acts[acts["act"].isin(KEY_ACTS) & (acts["actor"].isin(big) | acts["actor"].map(reference.is_organization))]
    chosen = chosen.drop_duplicates(subset=["actor", "act"], keep="first")
    return chosen.sort_values("day").head(limit)


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _finish(fig, ax, path: str | Path, note: str) -> Path:
    fig.text(0.01, 0.01, note, fontsize=7, color="#555")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    path = Path(path)
    fig.savefig(path, dpi=200 if path.suffix.lower() == ".png" else None)
    _pyplot().close(fig)
    return path


def plot_index(index: pd.DataFrame, case, path: str | Path, acts: pd.DataFrame | None = None) -> Path:
    """The isolation index over time with its sensitivity band shaded and key acts marked."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 4.5))
    dates = pd.to_datetime(index["date"])
    ax.fill_between(dates, index["low"], index["high"], color="#9ecae1", alpha=0.5, label="sensitivity band")
    ax.plot(dates, index["index"], color="#08519c", lw=2, label=f"index ({index['scheme'].iloc[0]} weights)")
    if acts is not None:
        for i, row in enumerate(key_acts(case, acts).itertuples()):
            when = pd.Timestamp(row.day)
            if dates.min() <= when <= dates.max():
                ax.axvline(when, color="#999", lw=0.8, ls="--")
                ax.annotate(f"{row.actor} {KEY_ACTS[row.act]}", (when, 0.03 + 0.08 * (i % 4)), fontsize=7,
                            rotation=0, xytext=(3, 0), textcoords="offset points")
    ax.set_ylim(0, 1.02)
    ax.set_title(f"Isolation index: {plain_text(case.name)}")
    ax.set_xlabel("date")
    ax.set_ylabel("isolation index (1 = no relations above 'none')")
    ax.legend(loc="upper right", fontsize=8)
    return _finish(fig, ax, path, f"{SOURCE} (case {case.id}); band: min-max over weighting schemes and score mappings.")


def plot_cohesion(cohesion: pd.DataFrame, case, path: str | Path, defections: pd.DataFrame | None = None) -> Path:
    """Coalition cohesion over time (the core, and the consensus dashed), with each core defection marked."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 4.5))
    tiers = {tier: part for tier, part in cohesion.groupby("tier", sort=False)} if "tier" in cohesion else {"core": cohesion}
    cohesion = tiers["core"]
    dates = pd.to_datetime(cohesion["date"])
    ax.plot(dates, cohesion["cohesion"], color="#a50f15", lw=2, label="cohesion of the core")
    if "consensus" in tiers:
        ax.plot(pd.to_datetime(tiers["consensus"]["date"]), tiers["consensus"]["cohesion"], color="#a50f15", lw=1.2,
                ls="--", label="cohesion of the consensus")
    if defections is not None and "tier" in defections:
        defections = defections[defections["tier"] == "core"]
    ax2 = ax.twinx()
    ax2.step(dates, cohesion["black_knights"], where="post", color="#555", lw=1, label="black knights")
    ax2.set_ylabel("black knights (states)")
    if defections is not None:
        for i, row in enumerate(defections.itertuples()):
            when = pd.Timestamp(row.date)
            if dates.min() <= when <= dates.max():
                ax.annotate(row.state, (when, 0.05 + 0.06 * (i % 6)), fontsize=6, color="#a50f15")
    ax.set_ylim(0, 1.02)
    ax.set_title(f"Coalition cohesion: {plain_text(case.name)}")
    ax.set_xlabel("date")
    ax.set_ylabel("weighted share of coalition members holding")
    ax.legend(loc="lower left", fontsize=8)
    return _finish(fig, ax, path, f"{SOURCE} (case {case.id}); labels: core members at the date they defected.")


#: The axis label of each ``measure.compare`` measure.
COMPARE_LABELS = {"change": "change of the isolation index since the start",
                  "realised": "share of the possible movement realised",
                  "index": "isolation index"}


def plot_compare(frame: pd.DataFrame, path: str | Path, align: str = "start") -> Path:
    """Several cases, each against its own start, on one axis (the index with its band for ``index``)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 4.5))
    measure = str(frame["measure"].iat[0]) if "measure" in frame and len(frame) else "index"
    for case_id, part in frame.groupby("case", sort=False):
        x = part["month"] if align == "start" else pd.to_datetime(part["date"])
        kind = f" ({part['kind'].iat[0]})" if "kind" in part else ""
        line, = ax.plot(x, part["value"] if "value" in part else part["index"], lw=1.8, label=f"{case_id}{kind}")
        if measure == "index":
            ax.fill_between(x, part["low"], part["high"], color=line.get_color(), alpha=0.15)
    if measure == "index":
        ax.set_ylim(0, 1.02)
    else:
        ax.axhline(0, color="#999", lw=0.8)
    ax.set_title("Isolation index compared" if measure == "index" else "Each case against its own start")
    ax.set_xlabel("months since case start" if align == "start" else "date")
    ax.set_ylabel(COMPARE_LABELS[measure])
    ax.legend(fontsize=8)
    note = "shaded: sensitivity band of each case" if measure == "index" else "recognition: starts from no relations; relations: from full relations"
    return _finish(fig, ax, path, f"{SOURCE}; {note}.")


def plot_leverage(frame: pd.DataFrame, case, path: str | Path) -> Path:
    """Withheld value, supplied value and leverage over time."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 4.5))
    dates = pd.to_datetime(frame["date"])
    ax.plot(dates, frame["withheld"], color="#2171b5", lw=1.5, label="withheld by the coalition")
    ax.plot(dates, frame["supplied"], color="#cb181d", lw=1.5, label="supplied by black knights")
    ax.plot(dates, frame["leverage"], color="black", lw=2.2, label="leverage")
    ax.set_ylim(0, max(0.05, float(frame[["withheld", "supplied", "leverage"]].max().max()) * 1.15))
    ax.set_title(f"Leverage of nonrecognition: {plain_text(case.name)}")
    ax.set_xlabel("date")
    ax.set_ylabel("share of the value of relations")
    ax.legend(fontsize=8)
    return _finish(fig, ax, path, f"{SOURCE} (case {case.id}); leverage = withheld x (1 - supplied) x credibility.")


def plot_leverage_compare(frame: pd.DataFrame, path: str | Path) -> Path:
    """Several cases' leverage at matched months since their start."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for case_id, part in frame.groupby("case", sort=False):
        ax.plot(part["month"], part["leverage"], lw=1.8, label=case_id)
    ax.set_title("Leverage of the coalition, months since case start")
    ax.set_xlabel("months since case start")
    ax.set_ylabel("leverage (withheld x (1 - supplied))")
    ax.legend(fontsize=8)
    return _finish(fig, ax, path, f"{SOURCE}; default values of relations, credibility not applied.")
