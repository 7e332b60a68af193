"""Small trend charts for the digest, rendered with matplotlib (PNG bytes)."""
from __future__ import annotations

import io
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (backend first)

from pipeline.store.records import Trend  # noqa: E402

_COLORS = {"do": "#c62828", "cam": "#ef6c00", "vang": "#f9a825", None: "#90a4ae"}


def trend_png(trend: Trend) -> bytes:
    """Bars: the issue's documents per day, coloured by that day's level; line: all
    documents of its topic × province; dashed: the EARS-t threshold."""
    days = [d[8:10] + "/" + d[5:7] for d in trend.days]
    fig, ax = plt.subplots(figsize=(3.4, 1.3), dpi=110)
    ax.bar(days, trend.documents, color=[_COLORS.get(lv, _COLORS[None]) for lv in trend.levels],
           width=0.6, label="bài của vấn đề")
    ax.plot(days, trend.topic_province, color="#37474f", linewidth=1.2, marker="o", markersize=2.5,
            label="cùng lĩnh vực, địa bàn")
    threshold = [t if t is not None and not math.isnan(t) else None for t in trend.threshold]
    if any(t is not None for t in threshold):
        ax.plot(days, [t if t is not None else float("nan") for t in threshold], color="#37474f",
                linewidth=0.8, linestyle="--", label="ngưỡng")
    ax.tick_params(labelsize=6, length=2)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=5, frameon=False, loc="upper left")
    fig.tight_layout(pad=0.3)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()
