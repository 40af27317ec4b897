"""A dyad's timeline as a PNG: the cooperation–conflict index, happenings by quad class,
and the turning points (matplotlib, drawn off-screen)."""

from __future__ import annotations

from pathlib import Path

from .relations import Relations

QUAD_COLOURS = {"verbal_coop": "#7fbf7b", "material_coop": "#1b7837",
                "verbal_conflict": "#f4a582", "material_conflict": "#b2182b"}


def plot_relations(rel: Relations, path: str | Path) -> Path:
    """Draw ``rel`` (its ``both`` series) to ``path``; returns the path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = rel.rows("both")
    labels = [p.period for p in rows]
    x = list(range(len(rows)))
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 6), sharex=True,
                                      gridspec_kw={"height_ratios": [2, 1]})
    index = [p.index for p in rows]
    top.axhline(0, color="#999", linewidth=0.8)
    top.plot([i for i, v in zip(x, index) if v is not None], [v for v in index if v is not None],
             marker="o", color="#2166ac", label="cooperation–conflict index")
    top.set_ylim(-1.05, 1.05)
    top.set_ylabel("index")
    top.set_title(f"{rel.a}–{rel.b} by {rel.by} ({', '.join(rel.modalities)} events)")
    bottom_stack = [0] * len(rows)
    for key, colour in QUAD_COLOURS.items():
        values = [getattr(p, key) for p in rows]
        bottom.bar(x, values, bottom=bottom_stack, color=colour, label=key.replace("_", " "))
        bottom_stack = [b + v for b, v in zip(bottom_stack, values)]
    bottom.set_ylabel("events")
    for tp in rel.turning_points:
        if tp.period in labels:
            i = labels.index(tp.period)
            for ax in (top, bottom):
                ax.axvline(i - 0.5, color="#b2182b" if tp.kind == "chill" else "#1b7837",
                           linestyle="--", linewidth=1)
            top.annotate(tp.kind, (i - 0.5, 0.95), fontsize=8, ha="left")
    step = max(1, len(labels) // 16)
    bottom.set_xticks(x[::step], labels[::step], rotation=45, ha="right", fontsize=8)
    top.legend(loc="lower left", fontsize=8)
    bottom.legend(loc="upper left", fontsize=7, ncol=4)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
