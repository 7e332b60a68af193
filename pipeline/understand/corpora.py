"""The real Vietnamese corpora in ``../shared/data`` and the gold annotations
that point into them by path and SHA-1 (the text is never copied here).

Items: VNTC articles (UTF-16), tc201805 headline+lead files (UTF-8),
vihealthbert-faq questions (one per line, the headline on the same line of the
``.tgt.tagged`` file; words joined with ``_``), and the JSON-lines corpora
(``<corpus>/items.jsonl:<line>``, SHA-1 of the line): ReINTEL posts (``text``,
likes/comments/shares), ViCTSD comments (``comment``), vinews-fake-real
(``text``), clickbait-ds108 (``title`` + ``sapo``) and news-2025 (``title`` +
``summary``).
"""
from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterator
import math
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.common.settings import REPO_ROOT, config_dir
from pipeline.common.hashing import sha1
from pipeline.common.textutil import nfc

log = logging.getLogger(__name__)
HEALTH_SECTIONS = {"vntc/Train_Full/Suc khoe", "tc201805/corpus/suc khoe"}
# Beauty sections mix health and make-up: used only through gold labels.
MIXED_SECTIONS = {"tc201805/corpus/lam dep va the hinh - suc khoe", "tc201805/corpus/lam dep và the hinh"}
LEAD_CHARS = 600
_NEAR_DUPLICATE = re.compile(r"near-duplicate of L(\d+)")
KINDS = ("news", "post", "comment")
# (title field, text field, kind) of each JSON-lines corpus.
JSONL_FIELDS = {
    "reintel": ("", "text", "post"),
    "victsd": ("", "comment", "comment"),
    "vinews-fake-real": ("", "text", "post"),
    "clickbait-ds108": ("title", "sapo", "news"),
    "news-2025": ("title", "summary", "news"),
}
KIND_OF_CORPUS = {"vntc": "news", "tc201805": "news", "vihealthbert-faq": "post"}
# When each corpus was written: the by-era evaluation trains on the other eras.
ERA_OF_CORPUS = {
    "vntc": "2005-2007", "tc201805": "2017-2020", "vihealthbert-faq": "2017-2020", "reintel": "2017-2020",
    "victsd": "2017-2020", "vinews-fake-real": "2024-2026", "clickbait-ds108": "2024-2026",
    "news-2025": "2024-2026", "synthetic": "written", "correction": "corrections",
}
ENGAGEMENT_FIELDS = ("num_like_post", "num_comment_post", "num_share_post")


@dataclass(frozen=True)
class Item:
    """One text of the corpora, as the classifiers see it (title + lead)."""

    key: str  # path, or path:line
    title: str
    text: str
    sha1: str
    kind: str = "news"
    engagement: float = 0.0  # log1p of likes + comments + shares, where the corpus has them

    @property
    def document(self) -> str:
        """Title and lead, the part annotators read."""
        return f"{self.title}\n{self.text[:LEAD_CHARS]}"

    @property
    def corpus(self) -> str:
        """First folder of the key: vntc, tc201805, reintel, news-2025…"""
        return corpus_of(self.key)

    def record(self) -> dict[str, object]:
        """What the models read: title, lead, kind and engagement as separate fields."""
        return {"title": self.title, "lead": self.text[:LEAD_CHARS], "kind": self.kind,
                "engagement": self.engagement}


def corpus_of(key: str) -> str:
    """The corpus a key points into (``synthetic`` for the project's written rows)."""
    return key.split("/", 1)[0] if "/" in key else "synthetic"


@dataclass(frozen=True)
class Gold:
    """A gold label: which item, and its topic and signal."""

    key: str
    sha1: str
    topic: str
    signal: str
    annotator: str
    synthetic: bool = False
    kind: str = ""  # news, post or comment when the annotator said so
    group: str = ""  # items sharing a group (near-duplicates) stay in one CV fold

    @property
    def corpus(self) -> str:
        return corpus_of(self.key)

    @property
    def era(self) -> str:
        return ERA_OF_CORPUS.get(self.corpus, "unknown")


def shared_data_dir() -> Path:
    """``../shared/data`` beside the checkout (``DULUAN_SHARED_DATA`` overrides)."""
    return Path(os.environ.get("DULUAN_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))


def annotations_dir() -> Path:
    """Where gold annotations, guidelines and the held-out list live."""
    return config_dir() / "annotations"


def _nfc(text: str) -> str:
    return nfc(text.replace("\r\n", "\n"))


def jsonl_item(key: str, line: str) -> Item:
    """An item of a JSON-lines corpus from its raw line (SHA-1 of the line as stored)."""
    title_field, text_field, kind = JSONL_FIELDS[corpus_of(key)]
    rec = json.loads(line)
    engagement = math.log1p(sum(float(rec.get(f) or 0) for f in ENGAGEMENT_FIELDS))
    return Item(key, _nfc(str(rec.get(title_field) or "")) if title_field else "",
                _nfc(str(rec.get(text_field) or "")), sha1(line), kind, round(engagement, 4))


def read_jsonl_items(keys: list[str], root: Path | None = None) -> dict[str, Item]:
    """Items of the JSON-lines corpora by ``path:line``, each file read once, streamed."""
    root = root or shared_data_dir()
    wanted: dict[str, dict[int, str]] = {}
    for key in keys:
        path, line = key.rsplit(":", 1)
        wanted.setdefault(path, {})[int(line)] = key
    out: dict[str, Item] = {}
    for path, lines in wanted.items():
        with (root / path).open(encoding="utf-8") as handle:
            for n, line in enumerate(handle, 1):
                if n in lines:
                    out[lines[n]] = jsonl_item(lines[n], line.rstrip("\n"))
                    if len(out) == len(keys):
                        break
    return out


def read_item(key: str, root: Path | None = None) -> Item:
    """Read one item by its key; raises ``OSError`` when the file is absent."""
    root = root or shared_data_dir()
    if corpus_of(key) in JSONL_FIELDS:
        item = read_jsonl_items([key], root).get(key)
        if item is None:
            raise IndexError(f"{key}: no such line")
        return item
    if key.startswith("vihealthbert-faq/"):
        path, line = key.rsplit(":", 1)
        src = (root / path).read_text(encoding="utf-8").split("\n")[int(line) - 1]
        tgt_path = root / path.replace(".txt.src", ".txt.tgt.tagged")
        tgt = tgt_path.read_text(encoding="utf-8").split("\n")[int(line) - 1]
        return Item(key, _nfc(tgt.replace("_", " ")), _nfc(src.replace("_", " ")),
                    sha1(src), "post")
    raw = (root / key).read_bytes()
    text = _nfc(raw.decode("utf-16" if key.startswith("vntc/") else "utf-8"))
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    return Item(key, lines[0] if lines else "", "\n".join(lines[1:]), sha1(raw))


def load_gold(folder: Path | None = None, pattern: str = "gold-*.jsonl") -> list[Gold]:
    """All gold records (``gold-*.jsonl``, or the files ``pattern`` names, such as a
    second reading ``review-*.jsonl``), first label of an item wins."""
    seen: set[str] = set()
    out: list[Gold] = []
    for path in sorted((folder or annotations_dir()).glob(pattern)):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            rec = json.loads(line)
            key = rec["path"] + (f":{rec['line']}" if rec.get("line") else "")
            if key in seen:
                continue
            seen.add(key)
            out.append(Gold(key, rec["sha1"], rec["topic"], rec["signal"], rec.get("annotator", ""),
                            bool(rec.get("synthetic")), rec.get("kind") or "", _group(rec, key)))
    return out


def _group(rec: dict[str, object], key: str) -> str:
    """Near-duplicates ("near-duplicate of L59") join the group of the line they copy."""
    match = _NEAR_DUPLICATE.search(str(rec.get("note") or ""))
    return f"{rec['path']}:{match.group(1)}" if match else key


def gold_items(gold: list[Gold], root: Path | None = None) -> list[tuple[Gold, Item]]:
    """Gold records with their texts; a record whose file changed (SHA-1) is skipped with a warning."""
    out = []
    try:
        lines = read_jsonl_items([g.key for g in gold if g.corpus in JSONL_FIELDS], root)
    except OSError as exc:
        log.warning("JSON-lines corpora unreadable: %s", exc)
        lines = {}
    for g in gold:
        try:
            item = lines[g.key] if g.key in lines else read_item(g.key, root)
        except (OSError, IndexError, ValueError) as exc:
            log.warning("gold item %s unreadable: %s", g.key, exc)
            continue
        if g.kind and g.kind != item.kind:
            item = replace(item, kind=g.kind)
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
