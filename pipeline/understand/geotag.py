"""Places and health facilities named in a text.

The gazetteer is built from underthesea's address mapping (old → new units of
the 1 July 2025 reform, down to wards): old and new province names resolve to
the *new* province ("Hà Giang" → Tuyên Quang, "Kon Tum" → Quảng Ngãi), wards
and communes need their type word ("xã Bình Sơn"), old districts resolve to
their province. Names preceded by a person's title or family name ("chị Hà
Giang", "Nguyễn Thị Hà Giang") are not places.

>>> tag_places("Sốt xuất huyết tăng ở Kon Tum và TP.HCM").provinces
['Quảng Ngãi', 'Hồ Chí Minh']
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from pipeline.understand.normalize import normalize_text

_ALIASES = {
    "TP.HCM": "Hồ Chí Minh", "TP. HCM": "Hồ Chí Minh", "TPHCM": "Hồ Chí Minh", "TP HCM": "Hồ Chí Minh",
    "HCM": "Hồ Chí Minh", "Sài Gòn": "Hồ Chí Minh", "Thành phố Hồ Chí Minh": "Hồ Chí Minh",
    "Q.Ngãi": "Quảng Ngãi", "Q. Ngãi": "Quảng Ngãi", "BR-VT": "Hồ Chí Minh", "Vũng Tàu": "Hồ Chí Minh",
    "Thừa Thiên Huế": "Huế", "Thừa Thiên - Huế": "Huế", "TT-Huế": "Huế", "Đà Lạt": "Lâm Đồng",
    "Nha Trang": "Khánh Hòa", "Hạ Long": "Quảng Ninh", "Buôn Ma Thuột": "Đắk Lắk", "Quy Nhơn": "Gia Lai",
    "Đắc Lắc": "Đắk Lắk", "Đắk Nông": "Lâm Đồng", "Đăk Nông": "Lâm Đồng",
}
_PERSON_BEFORE = re.compile(
    r"(?:\b(?i:anh|chị|em|bà|ông|cô|chú|bác|cháu|bé|cụ|bạn|thầy|mẹ|bố|con|tên|tác giả|bs|bác sĩ)"
    r"|Nguyễn|Trần|Lê|Phạm|Hoàng|Huỳnh|Phan|Vũ|Võ|Đặng|Bùi|Đỗ|Hồ|Ngô|Dương|Lý|Thị|Văn|Đức|Minh)\s+$")
_UNIT_WORDS = r"(?:xã|phường|thị trấn|đặc khu)"
_DISTRICT_WORDS = r"(?:huyện|quận|thị xã)"
_FACILITY = re.compile(
    r"\b(?:Bệnh viện|bệnh viện|BV|BVĐK|Trung tâm Y tế|trung tâm y tế|TTYT|Trạm Y tế|Trạm y tế|trạm y tế|"
    r"Phòng khám|phòng khám|Trung tâm Kiểm soát bệnh tật|CDC|Viện Pasteur|Viện Vệ sinh dịch tễ)"
    r"(?:\s+(?:[A-ZĐÀ-Ỹ][\wÀ-ỹ.\-]*|tỉnh|huyện|thị xã|thành phố|quận|xã|phường|khu vực|đa khoa|[Đđ]a khoa|"
    r"khoa|Sản|Nhi|[-–]|số\s+\d+|\d+)){1,7}")


@dataclass
class Places:
    """What :func:`tag_places` found."""

    provinces: list[str] = field(default_factory=list)  # new (post-2025) province names, in order
    units: list[str] = field(default_factory=list)  # "xã Bình Sơn (Quảng Ngãi)"
    facilities: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Gazetteer:
    provinces: dict[str, str]  # name as written → new province short name
    province_pattern: re.Pattern[str]
    units: dict[str, list[str]]  # lower-case "xã bình sơn" → new provinces (current names)
    old_units: dict[str, list[str]]  # wards and communes before the reform
    districts: dict[str, list[str]]


def _short(name: str) -> str:
    return re.sub(r"^(Tỉnh|Thành phố)\s+", "", name)


@lru_cache(maxsize=1)
def gazetteer() -> _Gazetteer:
    """Build the gazetteer once from underthesea's mapping.json."""
    path = resources.files("underthesea") / "address" / "data" / "mapping.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    new_names = {k: v["short"] for k, v in data["province_names"].items()}
    provinces = {normalize_text(v): v for v in new_names.values()}
    for old_key, info in data["old_province_names"].items():
        provinces[normalize_text(info["short"])] = new_names[data["province_mapping"][old_key]]
    provinces.update({normalize_text(k): v for k, v in _ALIASES.items()})
    units: dict[str, list[str]] = {}
    old_units: dict[str, list[str]] = {}
    districts: dict[str, list[str]] = {}
    for row in data["ward_mapping"]:
        new_prov = _short(row["new_province"])
        for name, table in ((row["new_ward"], units), (row["old_ward"], old_units),
                            (row["old_district"], districts)):
            key = normalize_text(name).lower()
            if new_prov not in table.setdefault(key, []):
                table[key].append(new_prov)
    names = sorted(provinces, key=len, reverse=True)
    pattern = re.compile(r"(?<![\wÀ-ỹ])(" + "|".join(re.escape(n) for n in names) + r")(?![\wÀ-ỹ])")
    return _Gazetteer(provinces, pattern, units, old_units, districts)


def _unit_matches(text: str, words: str, table: dict[str, list[str]]) -> list[tuple[str, list[str]]]:
    found = []
    for m in re.finditer(rf"\b({words})\s+((?:[A-ZĐÀ-Ỹ0-9][\wÀ-ỹ]*\s?){{1,4}})", text):
        parts = m.group(2).split()
        for n in range(len(parts), 0, -1):  # longest name that exists
            name = f"{m.group(1).lower()} {' '.join(parts[:n])}"
            if name.lower() in table:
                found.append((name, table[name.lower()]))
                break
    return found


def _pick(provs: list[str], mentioned: list[str], prefer: str | None) -> str | None:
    """The province a unit name means: the only one, one named in the text, or the preferred one."""
    for candidates in (provs if len(provs) == 1 else [], [p for p in provs if p in mentioned],
                       [p for p in provs if p == prefer]):
        if candidates:
            return candidates[0]
    return None


_FACILITY_LOWER = {"tỉnh", "huyện", "thị", "xã", "thành", "phố", "quận", "phường", "khu", "vực", "đa", "khoa", "số",
                   "bệnh", "viện", "trung", "tâm", "y", "tế", "trạm", "phòng", "khám", "kiểm", "soát", "tật",
                   "ương"}


def _trim_facility(found: str) -> str:
    """Cut a facility name before the first lower-case word that cannot belong to it
    ("Bệnh viện đã" → "Bệnh viện"); the pattern's letter ranges include lower-case
    Vietnamese letters."""
    words = found.strip(" .,-–").split()
    for n, word in enumerate(words):
        if n >= 2 and word[0].islower() and word not in _FACILITY_LOWER:
            return " ".join(words[:n]).rstrip(" -–")
    return " ".join(words)


def tag_places(text: str, prefer: str | None = None) -> Places:
    """Provinces (new names), wards/communes and health facilities named in ``text``.

    ``prefer`` (the deployment's province) settles a commune name that exists in
    several provinces when the text names none of them."""
    text = normalize_text(text)
    gaz = gazetteer()
    result = Places()

    def add_province(name: str) -> None:
        if name not in result.provinces:
            result.provinces.append(name)

    for m in gaz.province_pattern.finditer(text):
        if _PERSON_BEFORE.search(text[max(0, m.start() - 25):m.start()]):
            continue
        add_province(gaz.provinces[m.group(1)])
    mentioned = list(result.provinces)
    settled: set[str] = set()  # current names first; an old name only where no current one matched
    for table, words in ((gaz.units, _UNIT_WORDS), (gaz.old_units, _UNIT_WORDS), (gaz.districts, _DISTRICT_WORDS)):
        for name, provs in _unit_matches(text, words, table):
            prov = _pick(provs, mentioned, prefer)
            if prov is None or name.lower() in settled:
                continue
            settled.add(name.lower())
            add_province(prov)
            if table is not gaz.districts:
                result.units.append(f"{name} ({prov})")
    for m in _FACILITY.finditer(text):
        name = _trim_facility(m.group(0))
        if len(name.split()) <= 2 and not name.isupper():  # "Bệnh viện" alone names nothing
            continue
        if name not in result.facilities:
            result.facilities.append(name)
    return result
