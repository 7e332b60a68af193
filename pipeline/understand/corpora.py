"""The real Vietnamese corpora in ``../shared/data`` and the gold annotations
that point into them by path and SHA-1 (the text is never copied here).

Items: VNTC articles (UTF-16), tc201805 headline+lead files (UTF-8), and
vihealthbert-faq questions (one per line, the headline on the same line of the
``.tgt.tagged`` file; words joined with ``_``).
"""
from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.common.settings import REPO_ROOT, config_dir
from pipeline.common.hashing import sha1
from pipeline.common.textutil import nfc

log = logging.getLogger(__name__)
HEALTH_SECTIONS = {"vntc/Train_Full/Suc khoe", "tc201805/corpus/suc khoe"}
# Beauty sections mix health and make-up: used only through gold labels.
MIXED_SECTIONS = {"tc201805/corpus/lam dep va the hinh - suc khoe", "tc201805/corpus/lam dep và the hinh"}
LEAD_CHARS = 600


@dataclass(frozen=True)
class Item:
    """One text of the corpora, as the classifiers see it (title + lead)."""

    key: str  # path, or path:line
    title: str
    text: str
    sha1: str

    @property
    def document(self) -> str:
        """Title and lead, the part annotators read."""
        return f"{self.title}\n{self.text[:LEAD_CHARS]}"


@dataclass(frozen=True)
class Gold:
    """A gold label: which item, and its topic and signal."""

    key: str
    sha1: str
    topic: str
    signal: str
    annotator: str
    synthetic: bool = False


def shared_data_dir() -> Path:
    """``../shared/data`` beside the checkout (``DULUAN_SHARED_DATA`` overrides)."""
    return Path(os.environ.get("DULUAN_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))


def annotations_dir() -> Path:
    """Where gold annotations, guidelines and the held-out list live."""
    return config_dir() / "annotations"


def _nfc(text: str) -> str:
    return nfc(text.replace("\r\n", "\n"))


def read_item(key: str, root: Path | None = None) -> Item:
    """Read one item by its key; raises ``OSError`` when the file is absent."""
    root = root or shared_data_dir()
    if key.startswith("vihealthbert-faq/"):
        path, line = key.rsplit(":", 1)
        src = (root / path).read_text(encoding="utf-8").split("\n")[int(line) - 1]
        tgt_path = root / path.replace(".txt.src", ".txt.tgt.tagged")
        tgt = tgt_path.read_text(encoding="utf-8").split("\n")[int(line) - 1]
        return Item(key, _nfc(tgt.replace("_", " ")), _nfc(src.replace("_", " ")),
                    sha1(src))
    raw = (root / key).read_bytes()
    text = _nfc(raw.decode("utf-16" if key.startswith("vntc/") else "utf-8"))
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    return Item(key, lines[0] if lines else "", "\n".join(lines[1:]), sha1(raw))


def load_gold(folder: Path | None = None) -> list[Gold]:
    """All gold records (``gold-*.jsonl``), first label of an item wins."""
    seen: set[str] = set()
    out: list[Gold] = []
    for path in sorted((folder or annotations_dir()).glob("gold-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            rec = json.loads(line)
            key = rec["path"] + (f":{rec['line']}" if rec.get("line") else "")
            if key in seen:
                continue
            seen.add(key)
            out.append(Gold(key, rec["sha1"], rec["topic"], rec["signal"], rec.get("annotator", ""),
                            bool(rec.get("synthetic"))))
    return out


def gold_items(gold: list[Gold], root: Path | None = None) -> list[tuple[Gold, Item]]:
    """Gold records with their texts; a record whose file changed (SHA-1) is skipped with a warning."""
    out = []
    for g in gold:
        try:
            item = read_item(g.key, root)
        except (OSError, IndexError) as exc:
            log.warning("gold item %s unreadable: %s", g.key, exc)
            continue
        if item.sha1 != g.sha1:
            log.warning("gold item %s changed since it was labelled (sha1 %s != %s); skipped",
                        g.key, item.sha1[:10], g.sha1[:10])
            continue
        out.append((g, item))
    return out


def synthetic_examples(folder: Path | None = None) -> list[tuple[Gold, Item]]:
    """Examples written by the project for rare classes: training only, never evaluation."""
    path = (folder or annotations_dir()) / "synthetic.jsonl"
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            sha = sha1(rec["title"] + rec["text"])
            out.append((Gold(rec["id"], sha, rec["topic"], rec["signal"], "synthetic", True),
                        Item(rec["id"], _nfc(rec["title"]), _nfc(rec["text"]), sha)))
    return out


def section_items(root: Path | None = None) -> Iterator[tuple[Item, bool]]:
    """Silver relevance data: every file of the corpora with ``is_health`` from its
    section (mixed beauty sections left out), plus the patients' question headlines."""
    root = root or shared_data_dir()
    for corpus in ("vntc/Train_Full", "tc201805/corpus"):
        for folder in sorted((root / corpus).iterdir()):
            section = f"{corpus}/{folder.name}"
            if section in MIXED_SECTIONS or not folder.is_dir():
                continue
            for path in sorted(folder.glob("*.txt")):
                yield read_item(str(path.relative_to(root)), root), section in HEALTH_SECTIONS
    headlines = root / "vihealthbert-faq/train/train.txt.tgt.tagged"
    for n, line in enumerate(headlines.read_text(encoding="utf-8").split("\n")[:2000], 1):
        if line.strip():
            text = _nfc(line.replace("_", " "))
            yield Item(f"vihealthbert-faq/train/train.txt.tgt.tagged:{n}", text, "",
                       sha1(line)), True
