"""An issue's trend chart, rendered with matplotlib: its own documents per day (bars,
coloured by that day's level) against its baseline, the usual daily count of its topic ×
province (dashed), with a key above the plot.

SVG (text kept as text) for the digest page, sharp at any size; PNG at 2× for e-mail,
where SVG is not shown. The figure is drawn for a phone's column, about
:data:`WIDTH_PX` CSS pixels wide, so the key's :data:`FONT_PT` stays readable there
(9 pt = 12 px)."""
from __future__ import annotations

import io
import math
from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (backend first)
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from pipeline.common.labels import LEVELS, level_rank, vi_number  # noqa: E402
from pipeline.store.records import Trend  # noqa: E402

_COLORS = {"do": "#c62828", "cam": "#ef6c00", "vang": "#f9a825", None: "#90a4ae"}
_USUAL_LINE = {"color": "#37474f", "linestyle": "--", "linewidth": 1.2}  # the baseline and its key
BELOW = "dưới ngưỡng"
USUAL = "mức thường"
WIDTH_PX = 346  # CSS px (1/96 in): the figure's natural width on a page, a phone's column
WIDTH_IN = WIDTH_PX / 96
FONT_PT = 9
PNG_SCALE = 2
# Fixed ids and no date: the same trend gives the same bytes (re-running a digest changes nothing).
_RC = {"svg.fonttype": "none", "svg.hashsalt": "duluan", "font.size": FONT_PT,
       "font.family": ["DejaVu Sans", "sans-serif"]}


def _day(iso: str) -> str:
    return iso[8:10] + "/" + iso[5:7]


def _usual(trend: Trend) -> list[float]:
    return [math.nan if u is None or math.isnan(u) else u for u in trend.usual] or [math.nan] * len(trend.days)


def _key(trend: Trend) -> tuple[list[object], list[str]]:
    """Legend handles: one swatch per level the bars show (đỏ first), then the baseline."""
    levels = sorted({lv for lv, n in zip(trend.levels, trend.documents) if n}, key=level_rank, reverse=True)
    handles: list[object] = [Patch(color=_COLORS.get(lv, _COLORS[None])) for lv in levels]
    labels = [LEVELS.get(lv or "", BELOW) for lv in levels]
    if any(not math.isnan(u) for u in _usual(trend)):
        handles.append(Line2D([], [], **_USUAL_LINE))
        labels.append(USUAL)
    return handles, labels


@contextmanager
def _figure(trend: Trend) -> Iterator[Figure]:
    handles, labels = _key(trend)
    rows = 1 if len(labels) <= 3 else 2
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 1.25 + 0.2 * rows), layout="constrained")
    try:
        days = [_day(d) for d in trend.days]
        bars = ax.bar(days, trend.documents, color=[_COLORS.get(lv, _COLORS[None]) for lv in trend.levels],
                      width=0.6)
        for n, bar in enumerate(bars):
            bar.set_gid(f"documents-{n}")  # one id per day's bar in the SVG
        usual = _usual(trend)
        ax.plot(days, usual, gid="usual", **_USUAL_LINE)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=3, integer=True))
        ax.set_ylim(0, max([3, *trend.documents, *(u for u in usual if not math.isnan(u))]) * 1.1)
        ax.tick_params(labelsize=FONT_PT, length=2)
        ax.spines[["top", "right"]].set_visible(False)
        fig.legend(handles, labels, loc="outside upper left", ncols=math.ceil(len(labels) / rows), frameon=False,
                   fontsize=FONT_PT, handlelength=1.2, handletextpad=0.4, columnspacing=1.0, borderaxespad=0.1)
        yield fig
    finally:
        plt.close(fig)


def trend_svg(trend: Trend) -> str:
    """The chart as an SVG document (``width``/``height`` in pt, :data:`WIDTH_PX` px wide)."""
    with plt.rc_context(_RC), _figure(trend) as fig:
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def trend_png(trend: Trend) -> bytes:
    """The chart as a PNG at :data:`PNG_SCALE` × its CSS size, for e-mail (show it :data:`WIDTH_PX` px wide)."""
    with plt.rc_context(_RC), _figure(trend) as fig:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=96 * PNG_SCALE, metadata={"Software": None})
    return buffer.getvalue()


def trend_text(trend: Trend) -> str:
    """The chart in words, for its ``alt`` text: "Số bài của vấn đề 7 ngày: 0, 1, 4; mức thường 2,1"."""
    usual = [u for u in _usual(trend) if not math.isnan(u)]
    text = f"Số bài của vấn đề {len(trend.days)} ngày: {', '.join(str(n) for n in trend.documents)}"
    return text + (f"; mức thường {vi_number(usual[-1], 1)} bài/ngày" if usual else "")
