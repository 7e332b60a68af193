"""Severity from content: the facts an official weighs, read from titles and leads.

Cues (each with the number written beside it, when there is one):

- deaths: "2 người tử vong", "bé gái 3 tuổi đã tử vong" (not "chưa ghi nhận ca tử vong");
- hospitalised: "61 học sinh nhập viện", "tổng số ca ngộ độc lên 73";
- children or pupils: "học sinh", "trẻ em", "mầm non";
- clusters: "3 ổ dịch", "chùm ca bệnh";
- officials' orders: "Chủ tịch UBND tỉnh chỉ đạo", "Bộ Y tế đề nghị", "Thủ tướng yêu cầu", "công điện";
- prosecutions: "khởi tố", "bắt tạm giam", "truy tố".

A story's severity takes the largest number of each cue over its documents
(reports of one event repeat and update their numbers: 27, then 61, then 73),
and its points decide the "vấn đề đột xuất" rule of :mod:`pipeline.detect.hotissues`.

>>> s = read_severity(["Thêm 12 học sinh nhập viện, tổng số ca ngộ độc lên 73",
...                    "Chủ tịch UBND tỉnh chỉ đạo xử lý nghiêm vụ ngộ độc"])
>>> s.hospitalised, s.children, s.orders
(73, True, ['Chủ tịch UBND tỉnh chỉ đạo'])
>>> s.phrases()
['73 học sinh nhập viện', 'Chủ tịch UBND tỉnh chỉ đạo']
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from pipeline.common.options import SeverityOptions

_NUMBER_WORDS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9,
                 "mười": 10, "hàng chục": 20, "hàng trăm": 100, "chục": 10}
_NUM = r"(\d+(?:[.,]\d{3})*|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
_COUNT = _NUM + r"(?!\s*(?:tuổi|tháng|ngày|giờ|năm|tuần|lần|độ|km|%))"  # not an age, a date or a measure
_WHO = r"(?:\s+[\wÀ-ỹ]+){0,7}?"
_DEATHS = re.compile(_COUNT + _WHO + r"\s+(?:đã\s+)?(?:tử vong|chết|thiệt mạng|qua đời|không qua khỏi)", re.I)
_DEATH_WORD = re.compile(r"\b(?:bé|cháu|em|người|bệnh nhân|sản phụ|học sinh|nạn nhân|trẻ|bệnh nhi)"
                         r"(?:\s+[\wÀ-ỹ,]+){0,10}?\s+(?:đã\s+)?(?:tử vong|không qua khỏi|qua đời|thiệt mạng)\b", re.I)
_HOSPITALISED = re.compile(
    _COUNT + _WHO + r"\s+(?:phải\s+|đã\s+|được\s+)?(?:nhập viện|cấp cứu|nằm viện|điều trị nội trú|đưa vào viện)"
    r"|(?:tổng số|nâng số|số)\s+(?:ca|người|học sinh|trẻ|bệnh nhân)(?:\s+[\wÀ-ỹ]+){0,3}?\s+(?:lên|là)\s+" + _NUM,
    re.I)
_CHILDREN = re.compile(r"\b(?:học sinh|trẻ em|trẻ nhỏ|bệnh nhi|mầm non|tiểu học|trẻ sơ sinh|cháu bé|em nhỏ)\b", re.I)
_CLUSTERS = re.compile(_NUM + r"\s+(?:ổ dịch|chùm ca)|\b(?:ổ dịch|chùm ca)\b", re.I)
_ORDERS = (
    ("Thủ tướng chỉ đạo", re.compile(r"\b(?:Thủ tướng|Phó Thủ tướng)(?:\s+[\wÀ-ỹ]+){0,4}?\s+"
                                     r"(?:chỉ đạo|yêu cầu|công điện)", re.I)),
    ("Bộ Y tế đề nghị", re.compile(r"\bBộ (?:trưởng Bộ )?Y tế(?:\s+[\wÀ-ỹ]+){0,3}?\s+"
                                   r"(?:đề nghị|yêu cầu|chỉ đạo|công điện|hỏa tốc)", re.I)),
    ("Chủ tịch UBND tỉnh chỉ đạo", re.compile(r"\b(?:Chủ tịch|Phó Chủ tịch) (?:UBND|Ủy ban nhân dân)"
                                              r"(?:\s+[\wÀ-ỹ.]+){0,4}?\s+(?:chỉ đạo|yêu cầu|công điện)", re.I)),
    ("UBND tỉnh chỉ đạo", re.compile(r"(?<!Chủ tịch )\b(?:UBND|Ủy ban nhân dân) (?:tỉnh|thành phố)"
                                     r"(?:\s+[\wÀ-ỹ]+){0,3}?\s+"
                                     r"(?:chỉ đạo|công điện|hỏa tốc)", re.I)),
)
_NATIONAL_ORDERS = {"Thủ tướng chỉ đạo", "Bộ Y tế đề nghị"}
_PROSECUTION = re.compile(r"\b(?:khởi tố|bắt tạm giam|truy tố|tạm giữ hình sự|xét xử)\b", re.I)


def _number(text: str | None) -> int:
    if not text:
        return 0
    low = text.lower()
    return _NUMBER_WORDS[low] if low in _NUMBER_WORDS else int(re.sub(r"[.,]", "", text))


@dataclass
class Severity:
    """What the texts of one story say about how serious it is."""

    deaths: int = 0  # the largest number of deaths written (1 when a death is written without a number)
    hospitalised: int = 0
    children: bool = False
    pupils: bool = False  # "học sinh" among the children
    clusters: int = 0
    orders: list[str] = field(default_factory=list)
    prosecution: bool = False

    def add(self, text: str) -> None:
        """Read the cues of one text into this severity (a cue's pattern runs only when one
        of its words is in the text: most documents have none)."""
        low = text.lower()

        def has(*words: str) -> bool:
            return any(w in low for w in words)

        if has("tử vong", "chết", "thiệt mạng", "qua đời", "qua khỏi"):
            deaths = [_number(m.group(1)) for m in _DEATHS.finditer(text)]
            self.deaths = max([self.deaths, *deaths, 1 if _DEATH_WORD.search(text) else 0])
        if has("nhập viện", "nằm viện", "vào viện", "cấp cứu", "điều trị nội trú", "số "):
            for m in _HOSPITALISED.finditer(text):
                self.hospitalised = max(self.hospitalised, _number(m.group(1) or m.group(2)))
        self.children = self.children or bool(_CHILDREN.search(text))
        self.pupils = self.pupils or "học sinh" in low
        if has("ổ dịch", "chùm ca"):
            for m in _CLUSTERS.finditer(text):
                self.clusters = max(self.clusters, _number(m.group(1)) or 1)
        if has("chỉ đạo", "yêu cầu", "đề nghị", "công điện", "hỏa tốc"):
            for name, pattern in _ORDERS:
                if name not in self.orders and pattern.search(text):
                    self.orders.append(name)
        self.prosecution = self.prosecution or (has("tố", "tạm giam", "tạm giữ", "xét xử")
                                                and bool(_PROSECUTION.search(text)))

    def merge(self, other: Severity) -> Severity:
        """Both severities together: the larger numbers, every order."""
        return Severity(max(self.deaths, other.deaths), max(self.hospitalised, other.hospitalised),
                        self.children or other.children, self.pupils or other.pupils,
                        max(self.clusters, other.clusters), list(dict.fromkeys(self.orders + other.orders)),
                        self.prosecution or other.prosecution)

    def points(self, options: SeverityOptions = SeverityOptions()) -> float:
        """Weighted sum of the cues present."""
        p = options.points
        total = p["death"] * bool(self.deaths) + p["cluster"] * bool(self.clusters) \
            + p["prosecution"] * self.prosecution
        total += p["hospitalised_30"] if self.hospitalised >= 30 else p["hospitalised_10"] \
            if self.hospitalised >= 10 else 0.0
        total += p["children"] * (self.children and bool(self.deaths or self.hospitalised))
        if self.orders:
            national = any(o in _NATIONAL_ORDERS for o in self.orders)
            total += p["national_order"] if national else p["provincial_order"]
        return total

    def phrases(self) -> list[str]:
        """The facts for the why sentence, with their numbers."""
        who = "học sinh" if self.pupils else "trẻ" if self.children else "người"
        pieces = []
        if self.deaths:
            pieces.append(f"{self.deaths} người tử vong")
        if self.hospitalised:
            pieces.append(f"{self.hospitalised} {who} nhập viện")
        if self.clusters:
            pieces.append(f"{self.clusters} ổ dịch")
        pieces += self.orders
        if self.prosecution:
            pieces.append("đã khởi tố/điều tra")
        return pieces


def read_severity(texts: Iterable[str]) -> Severity:
    """The severity of a story from the titles and leads of its documents."""
    severity = Severity()
    for text in texts:
        severity.add(text)
    return severity
