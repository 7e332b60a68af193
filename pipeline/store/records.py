"""The typed records the stages hand to each other (one per stage).

``Source ─crawl→ RawPage ─extract→ Document``; later stages add their own.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

SOURCE_KINDS = ("rss", "sitemap", "listing", "posts")
DOCUMENT_KINDS = ("article", "post")


@dataclass(frozen=True)
class Source:
    """One entry of the sources file, e.g. the VnExpress health feed."""

    id: str
    name: str
    kind: str
    urls: tuple[str, ...]
    province: str | None = None
    selectors: dict[str, str] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    verified: bool = True

    def option(self, name: str, default: Any = None) -> Any:
        """A per-source option such as ``link_pattern`` or ``timezone``."""
        return self.options.get(name, default)


@dataclass
class RawPage:
    """Bytes fetched for one article or post page, with what the feed said about it."""

    url: str
    source_id: str
    status: int
    body: bytes = field(repr=False)
    content_type: str = ""
    fetched_at: datetime | None = None
    final_url: str | None = None
    # What a feed, sitemap or listing said about the link before it was fetched:
    # title, published (raw string), summary, author.
    hints: dict[str, str] = field(default_factory=dict)


@dataclass
class Document:
    """Extracted text of one article or post, ready for processing."""

    url: str
    url_canonical: str
    source_id: str
    kind: str
    title: str
    text: str
    published_at: datetime | None
    date_source: str = "none"
    author: str | None = None
    fetched_at: datetime | None = None
    partial: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Analysis:
    """What understanding made of one text: relevance, topic and signal (codes of the
    taxonomy) with calibrated scores and the words behind them, and the places named.
    ``duluan process`` stores it (``skipped`` says why a text was not classified);
    ``duluan classify`` prints it (:meth:`output`)."""

    relevant: bool
    topic: str
    signal: str
    scores: dict[str, Any] = field(default_factory=dict)
    why: list[str] = field(default_factory=list)
    provinces: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    facilities: list[str] = field(default_factory=list)
    skipped: str | None = None

    def output(self, record_id: Any) -> dict[str, Any]:
        """The ``classify`` output line: ``{"id", "relevant", "topic", "signal", "scores",
        "places", "why", "units", "facilities"}``."""
        return {"id": record_id, "relevant": self.relevant, "topic": self.topic, "signal": self.signal,
                "scores": self.scores, "places": self.provinces, "why": self.why, "units": self.units,
                "facilities": self.facilities}


@dataclass
class Mention:
    """An analysed, health-relevant document as the later stages see it."""

    id: int
    url: str
    title: str
    lead: str
    source_id: str
    source_name: str
    kind: str
    published_at: datetime
    topic: str
    signal: str
    province: str | None  # the main province: first named, else the source's
    facilities: list[str] = field(default_factory=list)
    engagement: int = 0
    minhash: bytes | None = field(default=None, repr=False)


@dataclass
class Story:
    """Documents about one event, near-duplicates collapsed (``copies``)."""

    id: str  # SHA-1 prefix of the first document's URL
    title: str
    topic: str
    signal: str
    province: str | None
    mentions: list[Mention]
    copies: int = 0  # mentions that were near-duplicates of another

    @property
    def first_seen(self) -> datetime:
        """Publication time of the earliest document."""
        return self.mentions[0].published_at

    @property
    def last_seen(self) -> datetime:
        """Publication time of the latest document."""
        return self.mentions[-1].published_at

    @property
    def sources(self) -> list[str]:
        """Distinct source ids, in order of first appearance."""
        return list(dict.fromkeys(m.source_id for m in self.mentions))

    @property
    def facilities(self) -> list[str]:
        """Health facilities named, most mentioned first."""
        counts: dict[str, int] = {}
        for m in self.mentions:
            for f in m.facilities:
                counts[f] = counts.get(f, 0) + 1
        return sorted(counts, key=lambda f: (-counts[f], f))


@dataclass
class Issue:
    """A story the agencies should look at today, with its heat and who acts."""

    key: str  # the story id
    title: str
    level: str | None  # "do", "cam", "vang" or None (below vàng)
    heat: float
    topic: str
    signal: str
    province: str | None
    why: str
    lead_agency: str = ""
    support_agency: str = ""
    actions: list[str] = field(default_factory=list)
    components: dict[str, float] = field(default_factory=dict)
    daily: list[int] = field(default_factory=list)  # the story's documents per day, oldest first
    baseline: list[float] = field(default_factory=list)  # EARS threshold of its topic × province
    usual: list[float | None] = field(default_factory=list)  # expected count of its topic × province (None: no baseline)
    series: list[int] = field(default_factory=list)  # its topic × province counts per day
    history: list[str | None] = field(default_factory=list)  # its level on each day, oldest first
    mentions: list[Mention] = field(default_factory=list)


@dataclass
class DocumentEntry:
    """A document as the digest lists it (``published_at`` in the deployment's time zone)."""

    url: str
    title: str
    source: str
    published_at: str
    kind: str
    engagement: int


@dataclass
class RebuttalDocument:
    """An official denial or correction linked to false information."""

    url: str
    title: str
    source: str
    published_at: str


@dataclass
class RebuttalEntry:
    """The rebuttal of a false-information issue or watch item (contract in design.md):
    ``status`` chua_bac_bo or da_bac_bo, and ``still_spreading`` when the claim was
    published again after its denial."""

    status: str
    documents: list[RebuttalDocument]
    hours_to_rebuttal: float | None
    still_spreading: bool


@dataclass
class FollowupEntry:
    """How an issue is being handled, as the workspace records it."""

    status: str
    status_name: str
    assignee: str | None
    due_at: str | None
    overdue: bool


@dataclass
class WatchItem(DocumentEntry):
    """A document of the false-information watch or of the good examples, with its story
    (and, for false information, its rebuttal)."""

    story: str
    province: str
    rebuttal: RebuttalEntry | None = field(default=None, kw_only=True)


@dataclass
class Trend:
    """An issue's last 7 days: its documents, its topic × province counts, the EARS-t
    threshold, its level and the usual (expected) count of its topic × province, its
    baseline, one value per day (oldest first)."""

    days: list[str]
    documents: list[int]
    topic_province: list[int]
    threshold: list[float]
    levels: list[str | None]
    usual: list[float | None] = field(default_factory=list)  # None: no baseline that day


@dataclass
class IssueEntry:
    """A hot issue as the digest and the alerts show it (``level``: do, cam, vang or None)."""

    key: str
    title: str
    level: str | None
    heat: float
    topic: str
    signal: str
    province: str
    lead_agency: str
    support_agency: str
    why: str
    actions: list[str]
    components: dict[str, float]
    trend: Trend
    documents: list[DocumentEntry]
    rebuttal: RebuttalEntry | None = field(default=None, kw_only=True)  # false information only
    followup: FollowupEntry | None = field(default=None, kw_only=True)  # None until someone follows it up
    link: str | None = field(default=None, kw_only=True)  # its page in the workspace ([web] base_url)


@dataclass
class ContinuingIssue(IssueEntry):
    """An issue flagged on an earlier day of the week: its peak and how it moved."""

    peak_level: str
    movement: str  # "tăng", "giảm" or "giữ nguyên" against yesterday
    documents_7_days: int


@dataclass
class FlaggedIssue(IssueEntry):
    """An issue of a weekly or monthly summary, at its highest level over the period."""

    first_flagged: str
    last_flagged: str
    days_flagged: int


@dataclass
class Headline:
    """The day's numbers: documents against yesterday and the 4-week norm, documents by
    signal role, and issues by level."""

    documents: int
    yesterday: int
    norm_4_weeks: float
    pressing: int
    false_information: int
    good_examples: int
    levels: dict[str, int]


@dataclass
class PeriodHeadline:
    """A summary's numbers: documents against the period before, issues by level."""

    documents: int
    previous: int
    levels: dict[str, int]


@dataclass
class TopicCount:
    """Documents of one topic today, yesterday and on an average day of the last 4 weeks."""

    topic: str
    name: str
    today: int
    yesterday: int
    norm_4_weeks: float


@dataclass
class TopicPeriod:
    """Documents of one topic in a summary's period and in the period before."""

    topic: str
    name: str
    period: int
    previous: int


@dataclass
class SignalPeriod:
    """Documents of one signal in a summary's period and in the period before."""

    signal: str
    name: str
    period: int
    previous: int


@dataclass
class SourceHealth:
    """One source: documents published in the window, ``status`` (ok, silent, problems)
    and the problems logged, by reason."""

    source: str
    id: str
    documents: int
    status: str
    problems: dict[str, int]


@dataclass
class ActionItem:
    """One line of "Cần xử lý hôm nay": a đỏ or cam issue, who leads and what to do first."""

    key: str
    level: str
    title: str
    lead_agency: str
    action: str


@dataclass
class DailySections:
    """The sections of a daily digest, in the order of ``digest.json``."""

    issues: list[IssueEntry]
    action_today: list[ActionItem]  # the đỏ and cam issues, đỏ first
    headline: Headline
    topics: list[TopicCount]
    false_information: list[WatchItem]
    good_examples: list[WatchItem]
    continuing: list[ContinuingIssue]
    sources: list[SourceHealth]


@dataclass
class PeriodSections:
    """The sections of a weekly or monthly summary, in the order of ``digest.json``."""

    issues: list[FlaggedIssue]
    topics: list[TopicPeriod]
    signals: list[SignalPeriod]
    headline: PeriodHeadline
    sources: list[SourceHealth]


@dataclass
class Digest:
    """What ``duluan digest`` writes for one date and period."""

    date: str
    period: str
    province: str
    start: datetime
    end: datetime
    sections: DailySections | PeriodSections
