"""Stories: documents about the same event over a sliding window.

Two steps, both in publication order so that the result depends only on what
was published (not on when it was crawled):

1. near-duplicates (syndicated copies, re-posts) join the story of their
   original, found with MinHash LSH on the signatures ``process`` stored;
2. every other document joins the story of its most similar earlier document
   (TF-IDF cosine of unaccented title and lead with abbreviations written out;
   same misinformation flag; same province, or none named and twice as similar;
   same topic unless twice as similar, a post about an article, or a shared
   facility; at most ``gap_days`` apart);
3. else it joins the story it shares the most specific things with
   (:mod:`pipeline.detect.entities`: a school, a commune or ward, a facility, a
   product; the numbers of an event such as "61 học sinh" within one topic),
   or starts a new story.

A story's province is its documents' most named one, so an article naming only
"Trường Tiểu học Tịnh Phong" inherits Quảng Ngãi from its story. A story keeps
the id of its first document, so one event has one identity across days.

Example: "Số ca sốt xuất huyết ở Quảng Ngãi tăng gần gấp đôi" and, two days
later, "Quảng Ngãi: thêm 5 ổ dịch sốt xuất huyết" end up in one story.
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from pipeline.common.options import StoryOptions
from pipeline.common.taxonomy import taxonomy
from pipeline.common.textutil import shorten
from pipeline.detect.entities import specific_entities, strong
from pipeline.understand.dedup import DuplicateIndex, from_bytes
from pipeline.understand.normalize import expand_abbreviations, strip_diacritics
from pipeline.store.records import Mention, Story
from pipeline.common.hashing import sha1

_CHUNK = 500
TITLE_CHARS = 110
# unaccented disease names that share a word with another ("huyet", "mieng", "doc")
_COMPOUND = re.compile(r"\b(?:sot xuat huyet|bang huyet|xuat huyet nao|tay chan mieng|ngo doc thuc pham|"
                       r"viem nao|viem gan|viem phoi|dai thao duong|tang huyet ap|soi rubella)\b")
_NOT_TEXT = re.compile(r"https?://\S+|#\w+|[^\w\s.,;:!?()%/\-–…\"'“”]", re.UNICODE)


def _copies_of(mentions: list[Mention]) -> dict[int, int]:
    """Index of each near-duplicate → index of the original of its group (the
    groups of :class:`pipeline.understand.dedup.DuplicateIndex`, numbered by position)."""
    index = DuplicateIndex()
    original: dict[int, int] = {}
    for i, m in enumerate(mentions):
        if m.minhash is not None and (group := index.add(i, from_bytes(m.minhash))) != i:
            original[i] = group
    return original


def _one_token(text: str) -> str:
    """Disease names written as one token, so that "sốt xuất huyết" and "băng huyết" share nothing."""
    return _COMPOUND.sub(lambda m: m.group().replace(" ", ""), text)


def _vectors(mentions: list[Mention]) -> np.ndarray | None:
    texts = [_one_token(strip_diacritics(expand_abbreviations(f"{m.title} {m.title} {m.lead}")).lower())
             for m in mentions]
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w\w+\b")
    try:
        return vectorizer.fit_transform(texts)
    except ValueError:  # nothing but stop-like words
        return None


def _earlier_neighbours(x: object, n: int, threshold: float) -> list[list[tuple[float, int]]]:
    """For each row i, the earlier rows j < i with cosine ≥ threshold, best first."""
    result: list[list[tuple[float, int]]] = [[] for _ in range(n)]
    for start in range(0, n, _CHUNK):
        block = (x[start:start + _CHUNK] @ x[:start + _CHUNK].T).tocoo()  # type: ignore[index]
        rows = block.row + start
        keep = (block.col < rows) & (block.data >= threshold)
        rows, cols, sims = rows[keep], block.col[keep], block.data[keep]
        for k in np.lexsort((cols, -sims, rows)):  # by row, best first, then earliest
            result[int(rows[k])].append((float(sims[k]), int(cols[k])))
    return result


def _false(m: Mention) -> bool:
    return m.signal == taxonomy().false_information


def _places_agree(a: Mention, b: Mention) -> bool:
    return a.province == b.province or a.province is None or b.province is None


def _compatible(a: Mention, b: Mention, similarity: float, options: StoryOptions) -> bool:
    """Same misinformation flag; same province, or one unplaced and the texts twice as
    similar as needed; the same topic too unless twice as similar, a post about an
    article, or the same health facility (classifiers disagree on posts about one event)."""
    close = similarity >= 2 * options.similarity
    if _false(a) != _false(b) or not (a.province == b.province or (close and _places_agree(a, b))):
        return False
    return a.topic == b.topic or close or a.kind != b.kind or bool(set(a.facilities) & set(b.facilities))


def _entity_keys(m: Mention) -> set[str]:
    """Specific things of a mention; event numbers carry the topic so they join within one."""
    found = specific_entities(f"{m.title}. {m.lead}", m.facilities, post=m.kind == "post")
    return strong(found) | {f"{m.topic}|{e}" for e in found if e.startswith("number:")}


def cluster(mentions: list[Mention], options: StoryOptions = StoryOptions()) -> tuple[list[list[int]], dict[int, int]]:
    """Groups of mention indexes (each in publication order) and the near-duplicate
    map (copy index → original index)."""
    mentions_sorted = all(a.published_at <= b.published_at for a, b in zip(mentions, mentions[1:]))
    if not mentions_sorted:
        raise ValueError("mentions must be in publication order")
    copies = _copies_of(mentions)
    x = _vectors(mentions)
    neighbours = _earlier_neighbours(x, len(mentions), options.similarity) if x is not None else None
    gap = timedelta(days=options.gap_days)
    story_of: dict[int, int] = {}
    last_seen: dict[int, int] = {}  # story → index of its latest mention
    holders: dict[str, int] = {}  # specific entity → latest mention naming it
    for i, m in enumerate(mentions):
        def recent(s: int) -> bool:
            return m.published_at - mentions[last_seen[s]].published_at <= gap

        story = story_of.get(copies[i]) if i in copies else None
        for sim, j in (neighbours[i] if neighbours and story is None else []):
            if _compatible(mentions[j], m, sim, options) and recent(story_of[j]):
                story = story_of[j]
                break
        keys = _entity_keys(m)
        if story is None:
            shared = Counter(story_of[holders[k]] for k in keys if k in holders
                             and _false(mentions[holders[k]]) == _false(m) and _places_agree(mentions[holders[k]], m))
            story = next((s for s, _ in shared.most_common() if recent(s)), None)
        story = i if story is None else story
        story_of[i] = story
        last_seen[story] = i
        holders.update(dict.fromkeys(keys, i))
    groups: dict[int, list[int]] = {}
    for i, s in story_of.items():
        groups.setdefault(s, []).append(i)
    return list(groups.values()), copies


def _post_title(members: list[Mention]) -> str:
    """The title of a story of posts only: the post written with the most diacritics
    (not "5h45 sang ma hang…"), without emoji, links or hashtags."""
    def cleaned(m: Mention) -> str:
        text = _NOT_TEXT.sub(" ", m.title or m.lead)
        return " ".join(text.split())

    def accented(m: Mention) -> float:
        text = cleaned(m)
        return sum(a != b for a, b in zip(text, strip_diacritics(text))) / (1 + len(text))

    best = max(members, key=lambda m: (accented(m), -members.index(m)))
    return shorten(cleaned(best) or best.title or best.lead, TITLE_CHARS)


def _representative(members: list[Mention]) -> str:
    articles = [m for m in members if m.kind == "article" and m.title]
    if not articles:
        return _post_title(members)
    words = Counter(w for m in articles for w in set(strip_diacritics(m.title).lower().split()))
    return max(articles, key=lambda m: (sum(words[w] for w in set(strip_diacritics(m.title).lower().split()))
                                        / (1 + len(m.title.split())) ** 0.5, -articles.index(m))).title


def _majority(values: list[str], priority: tuple[str, ...] = ()) -> str:
    counts = Counter(values)
    return max(counts, key=lambda v: (counts[v], -priority.index(v) if v in priority else 0, v))


def build_stories(mentions: list[Mention], options: StoryOptions = StoryOptions()) -> list[Story]:
    """Stories of a window's mentions, largest first."""
    groups, copies = cluster(mentions, options)
    stories = []
    for group in groups:
        members = [mentions[i] for i in group]
        articles = [m for m in members if m.kind == "article"]  # the news decides the topic, not the posts
        provinces = [m.province for m in members if m.province]
        stories.append(Story(
            id=sha1(members[0].url)[:12], title=_representative(members),
            topic=_majority([m.topic for m in (articles or members)]),
            signal=_majority([m.signal for m in members], taxonomy().signal_priority),
            province=_majority(provinces) if provinces else None, mentions=members,
            copies=sum(i in copies for i in group)))
    stories.sort(key=lambda s: (-len(s.mentions), s.first_seen, s.id))
    return stories
