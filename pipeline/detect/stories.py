"""Stories: documents about the same event over a sliding window.

Two steps, both in publication order so that the result depends only on what
was published (not on when it was crawled):

1. near-duplicates (syndicated copies, re-posts) join the story of their
   original, found with MinHash LSH on the signatures ``process`` stored;
2. every other document joins the story of its most similar earlier document
   (TF-IDF cosine of unaccented title and lead with abbreviations written out;
   same province, or none named and twice as similar; at most ``gap_days``
   apart), when the labels agree:

   - the story's misinformation flag (that of its first document), except that
     a post repeating a claim and an official denial of it
     (:func:`pipeline.detect.rebuttals.is_denial`) join the claim's story, so a
     rumour and its rebuttal are one issue;
   - the same topic, unless twice as similar, a post about an article, a shared
     facility, or a claim (a cure is about a disease and health advice at once).

   A document close to two such stories' cores (the cosine with the centroid of
   each at least ``similarity``) joins them into one when they agree on the flag,
   on the topic of their news and on the disease: the news of a nurse's words
   during a hospital's overload joins the complaint about her and the overload
   story, while an outbreak and the overload it causes (other topics) stay two;
3. else it joins the story it shares the most specific things with
   (:mod:`pipeline.detect.entities`: a school, a commune or ward, a product;
   the numbers of an event such as "61 học sinh" within one topic), whatever
   the classifiers said of it, or starts a new story.

A document naming a disease or condition joins no story whose documents name
only others (:func:`pipeline.detect.entities.conditions`): an article on
postpartum haemorrhage at the children's hospital does not join the dengue
outbreak through a story of a child saved from dengue there.

A story's province is its documents' most named one, so an article naming only
"Trường Tiểu học Tịnh Phong" inherits Quảng Ngãi from its story; its signal is
its documents' most common one, denials left out. A story keeps the id of its
first document, so one event has one identity across days.

Example: "Số ca sốt xuất huyết ở Quảng Ngãi tăng gần gấp đôi" and, two days
later, "Quảng Ngãi: thêm 5 ổ dịch sốt xuất huyết" end up in one story.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from datetime import timedelta
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from pipeline.common.options import StoryOptions
from pipeline.common.taxonomy import taxonomy
from pipeline.common.textutil import shorten
from pipeline.detect.entities import conditions, specific_entities, strong
from pipeline.detect.rebuttals import is_denial
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


def _places_agree(a: Mention, b: Mention) -> bool:
    return a.province == b.province or a.province is None or b.province is None


def _compatible(a: Mention, b: Mention, similarity: float, options: StoryOptions, claim: bool, false: bool) -> bool:
    """Whether ``b`` (false information when ``false``) may join the story of ``a`` (a
    false-information story when ``claim``):
    same province, or one unplaced and the texts twice as similar as needed; the story's
    misinformation flag, or a post or an official denial joining a claim; the same topic
    unless twice as similar, a post about an article, the same health facility
    (classifiers disagree on posts about one event) or a claim."""
    close = similarity >= 2 * options.similarity
    if not (a.province == b.province or (close and _places_agree(a, b))):
        return False
    if false != claim:
        return claim and (b.kind == "post" or is_denial(b))
    return claim or a.topic == b.topic or close or a.kind != b.kind or bool(set(a.facilities) & set(b.facilities))


def _entity_keys(m: Mention) -> set[str]:
    """Specific things of a mention; event numbers carry the topic so they join within one."""
    found = specific_entities(f"{m.title}. {m.lead}", m.facilities, post=m.kind == "post", province=m.province)
    return strong(found) | {f"{m.topic}|{e}" for e in found if e.startswith("number:")}


class _Core:
    """A story's core: the sum of its documents' TF-IDF rows (term → weight) and its
    squared norm, kept as documents come, so a cosine with it costs one row's terms."""

    def __init__(self) -> None:
        self.weights: dict[int, float] = {}
        self.norm2 = 0.0

    def add(self, terms: list[int], values: list[float]) -> None:
        """One more row (its terms and their weights)."""
        for t, v in zip(terms, values):
            old = self.weights.get(t, 0.0)
            self.norm2 += (2 * old + v) * v
            self.weights[t] = old + v

    def cosine(self, terms: list[int], values: list[float]) -> float:
        """Cosine of a row with the core."""
        dot = sum(self.weights.get(t, 0.0) * v for t, v in zip(terms, values))
        return dot / math.sqrt(self.norm2) if self.norm2 > 0 else 0.0


class _Stories:
    """The stories being built, one mention at a time in publication order."""

    def __init__(self, mentions: list[Mention], x: Any, options: StoryOptions) -> None:
        self.mentions, self.x, self.options = mentions, x, options
        self.gap = timedelta(days=options.gap_days)
        self.story_of: dict[int, int] = {}
        self.members: dict[int, list[int]] = {}  # story → its mentions
        self.last_seen: dict[int, int] = {}  # story → index of its latest mention
        self.named: dict[int, set[str]] = {}  # story → the diseases and conditions its documents name
        self.news: dict[int, Counter[str]] = {}  # story → topics of its news articles
        self.cores: dict[int, _Core] = {}  # story → its core, once asked for
        code = taxonomy().false_information
        self.false = [m.signal == code for m in mentions]

    def row(self, i: int) -> tuple[list[int], list[float]]:
        """The terms and weights of mention ``i``'s TF-IDF row."""
        start, end = self.x.indptr[i], self.x.indptr[i + 1]
        return self.x.indices[start:end].tolist(), self.x.data[start:end].tolist()

    def fits(self, s: int, i: int, own: set[str]) -> bool:
        """Whether mention ``i`` naming the diseases ``own`` may join story ``s``: recent
        enough, and no other disease than the story's."""
        recent = self.mentions[i].published_at - self.mentions[self.last_seen[s]].published_at <= self.gap
        return recent and _same_disease(own, self.named[s])

    def linked(self, i: int, neighbours: list[tuple[float, int]], own: set[str]) -> list[int]:
        """The (at most two) stories of mention ``i``'s most similar compatible earlier mentions."""
        found: list[int] = []
        m = self.mentions[i]
        for sim, j in neighbours:
            s = self.story_of[j]
            if s not in found and self.fits(s, i, own) \
                    and _compatible(self.mentions[j], m, sim, self.options, self.false[s], self.false[i]):
                found.append(s)
                if len(found) == 2:
                    break
        return found

    def core(self, s: int, i: int) -> tuple[bool, str, float]:
        """What must agree for mention ``i`` to join story ``s`` with another: the flag,
        the topic of the news (a story of posts takes the mention's) and the cosine with its core."""
        if s not in self.cores:
            self.cores[s] = _Core()
            for k in self.members[s]:
                self.cores[s].add(*self.row(k))
        news = self.news[s]
        topic = max(news, key=lambda t: (news[t], t)) if news else self.mentions[i].topic
        return self.false[s], topic, self.cores[s].cosine(*self.row(i))

    def joinable(self, i: int, a: int, b: int) -> bool:
        """Whether mention ``i``, close to both stories' cores, makes them one."""
        (flag_a, topic_a, near_a), (flag_b, topic_b, near_b) = self.core(a, i), self.core(b, i)
        return flag_a == flag_b and topic_a == topic_b and min(near_a, near_b) >= self.options.similarity \
            and _same_disease(self.named[a], self.named[b])

    def add(self, i: int, story: int, own: set[str]) -> None:
        """Mention ``i`` into ``story`` (a new one when ``story`` is ``i``)."""
        m = self.mentions[i]
        self.story_of[i] = story
        self.last_seen[story] = i
        self.members.setdefault(story, []).append(i)
        self.named.setdefault(story, set()).update(own)
        self.news.setdefault(story, Counter()).update([m.topic] if m.kind == "article" else [])
        if story in self.cores:
            self.cores[story].add(*self.row(i))

    def merge(self, a: int, b: int) -> int:
        """Stories ``a`` and ``b`` made one under the id of the earlier; that id."""
        keep, gone = min(a, b), max(a, b)
        for k in self.members.pop(gone):
            self.story_of[k] = keep
            self.members[keep].append(k)
        self.last_seen[keep] = max(self.last_seen[keep], self.last_seen.pop(gone))
        self.named[keep] |= self.named.pop(gone)
        self.news[keep] += self.news.pop(gone)
        gone_core = self.cores.pop(gone)  # both asked for by the merge
        self.cores[keep].add(list(gone_core.weights), list(gone_core.weights.values()))
        return keep


def cluster(mentions: list[Mention], options: StoryOptions = StoryOptions()) -> tuple[list[list[int]], dict[int, int]]:
    """Groups of mention indexes (each in publication order) and the near-duplicate
    map (copy index → original index)."""
    mentions_sorted = all(a.published_at <= b.published_at for a, b in zip(mentions, mentions[1:]))
    if not mentions_sorted:
        raise ValueError("mentions must be in publication order")
    copies = _copies_of(mentions)
    x = _vectors(mentions)
    neighbours = _earlier_neighbours(x, len(mentions), options.similarity) if x is not None else None
    stories = _Stories(mentions, x, options)
    holders: dict[str, int] = {}  # specific entity → latest mention naming it
    for i, m in enumerate(mentions):
        own = conditions(f"{m.title}. {m.lead}")
        story = stories.story_of.get(copies[i]) if i in copies else None
        if story is None and neighbours:
            linked = stories.linked(i, neighbours[i], own)
            story = linked[0] if linked else None
            if len(linked) == 2 and stories.joinable(i, *linked):
                story = stories.merge(*linked)
        keys = _entity_keys(m)
        if story is None:
            shared = Counter(stories.story_of[holders[k]] for k in keys
                             if k in holders and _places_agree(mentions[holders[k]], m))
            story = next((s for s, _ in shared.most_common() if stories.fits(s, i, own)), None)
        stories.add(i, i if story is None else story, own)
        holders.update(dict.fromkeys(keys, i))
    return [sorted(g) for g in stories.members.values()], copies


def _same_disease(a: set[str], b: set[str]) -> bool:
    """Whether two sets of diseases and conditions may be about one event: one names
    none, or they share one."""
    return not a or not b or bool(a & b)


def _post_title(members: list[Mention]) -> str:
    """The title of a story of posts only: the post written with the most diacritics
    (not "5h45 sang ma hang…"), without emoji, links or hashtags."""
    def cleaned(m: Mention) -> str:
        text = _NOT_TEXT.sub(" ", m.title or m.lead)
        return " ".join(text.split())

    def accented(m: Mention) -> float:
        text = cleaned(m)
        return sum(a != b for a, b in zip(text, strip_diacritics(text))) / (1 + len(text))

    best = max(members, key=accented)  # the earliest of equals
    return shorten(cleaned(best) or best.title or best.lead, TITLE_CHARS)


def _representative(members: list[Mention]) -> str:
    articles = [m for m in members if m.kind == "article" and m.title]
    if not articles:
        return _post_title(members)
    words = Counter(w for m in articles for w in set(strip_diacritics(m.title).lower().split()))
    return max(articles, key=lambda m: sum(words[w] for w in set(strip_diacritics(m.title).lower().split()))
               / (1 + len(m.title.split())) ** 0.5).title  # the earliest of equals


def _topic(members: list[Mention]) -> str:
    """A story's topic: its news decide, not the posts."""
    return _majority([m.topic for m in ([m for m in members if m.kind == "article"] or members)])


def _majority(values: list[str], priority: tuple[str, ...] = ()) -> str:
    counts = Counter(values)
    return max(counts, key=lambda v: (counts[v], -priority.index(v) if v in priority else 0, v))


def build_stories(mentions: list[Mention], options: StoryOptions = StoryOptions()) -> list[Story]:
    """Stories of a window's mentions, largest first."""
    groups, copies = cluster(mentions, options)
    stories = []
    for group in groups:
        members = [mentions[i] for i in group]
        provinces = [m.province for m in members if m.province]
        stories.append(Story(
            id=sha1(members[0].url)[:12], title=_representative(members),
            topic=_topic(members),
            signal=_majority([m.signal for m in ([m for m in members if not is_denial(m)] or members)],
                             taxonomy().signal_priority),
            province=_majority(provinces) if provinces else None, mentions=members,
            copies=sum(i in copies for i in group)))
    stories.sort(key=lambda s: (-len(s.mentions), s.first_seen, s.id))
    return stories
