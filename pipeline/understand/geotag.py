"""Places and health facilities named in a text.

The gazetteer is built from underthesea's address mapping (old → new units of
the 1 July 2025 reform, down to wards): old and new province names resolve to
the *new* province ("Hà Giang" → Tuyên Quang, "Kon Tum" → Quảng Ngãi), and
common spellings too ("Đăk Lăk", "Daklak", "Đắc Lắc" → Đắk Lắk). Wards,
communes and old districts need their type word, and the type word binds the
whole capitalised name after it: "thị xã Sơn Tây" is a town of Hà Nội, not
"xã Sơn Tây"; "xã Đông Lễ" is never cut to "xã Đông". Names preceded by a
person's title or family name ("chị Hà Giang", "Nguyễn Thị Hà Giang") are not
places.

Health facilities start with a head ("Bệnh viện", "Trung tâm Y tế", "CDC",
"viện Pasteur" …) and keep the capitalised words, numbers and the lower-case
words facility names are made of ("dã chiến", "kiểm soát bệnh tật", "trung
ương", "quận"); a second head starts a second facility.

>>> tag_places("Sốt xuất huyết tăng ở Kon Tum và TP.HCM").provinces
['Quảng Ngãi', 'Hồ Chí Minh']
>>> tag_places("Bệnh viện dã chiến Hòa Vang tiếp nhận bệnh nhân từ Trung tâm y tế quận Hải Châu").facilities
['Bệnh viện dã chiến Hòa Vang', 'Trung tâm y tế quận Hải Châu']
"""
from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pipeline.common.cache import cached, versions
from pipeline.understand import normalize
from pipeline.understand.normalize import normalize_text

_ALIASES = {
    "TP.HCM": "Hồ Chí Minh", "TP. HCM": "Hồ Chí Minh", "TPHCM": "Hồ Chí Minh", "TP HCM": "Hồ Chí Minh",
    "HCM": "Hồ Chí Minh", "Sài Gòn": "Hồ Chí Minh", "Thành phố Hồ Chí Minh": "Hồ Chí Minh",
    "Q.Ngãi": "Quảng Ngãi", "Q. Ngãi": "Quảng Ngãi", "BR-VT": "Hồ Chí Minh", "Vũng Tàu": "Hồ Chí Minh",
    "Thừa Thiên Huế": "Huế", "Thừa Thiên - Huế": "Huế", "TT-Huế": "Huế", "Đà Lạt": "Lâm Đồng",
    "Nha Trang": "Khánh Hòa", "Hạ Long": "Quảng Ninh", "Buôn Ma Thuột": "Đắk Lắk", "Quy Nhơn": "Gia Lai",
}
# Spellings of the syllables in Đắk Lắk / Đắk Nông / Đắk Glei … as newspapers write them.
_SYLLABLE_VARIANTS = {"Đắk": ("Đăk", "Đắc", "Đác", "Dak", "Đak"), "Lắk": ("Lăk", "Lắc", "Lak")}
_PERSON_BEFORE = re.compile(
    r"(?:\b(?i:anh|chị|em|bà|ông|cô|chú|bác|cháu|bé|cụ|bạn|thầy|mẹ|bố|con|tên|tác giả|bs|bác sĩ)"
    r"|Nguyễn|Trần|Lê|Phạm|Hoàng|Huỳnh|Phan|Vũ|Võ|Đặng|Bùi|Đỗ|Hồ|Ngô|Dương|Lý|Thị|Văn|Đức|Minh)\s+$")
# Longest first, so that "thị xã" and "thị trấn" are read before "xã".
_TYPE_WORDS = ("thành phố", "thị xã", "thị trấn", "đặc khu", "phường", "huyện", "quận", "xã")
_UNIT_TYPES = {"xã", "phường", "thị trấn", "đặc khu"}
_TYPE = re.compile(r"(?<![\wÀ-ỹ])(" + "|".join(_TYPE_WORDS) + r")\s+", re.IGNORECASE)
_NAME_WORDS = re.compile(r"\s*([\wÀ-ỹ]+)")

_TOKEN = re.compile(r"[\wÀ-ỹ][\wÀ-ỹ.]*[\wÀ-ỹ]|[\wÀ-ỹ]|[-–]|[^\s\wÀ-ỹ]")
# Heads, case-insensitive except abbreviations; "viện" alone needs a health word after it.
_HEADS = ("bệnh viện", "trung tâm kiểm soát bệnh tật", "trung tâm y tế", "trạm y tế", "phòng khám",
          "trung tâm pháp y", "trung tâm kiểm nghiệm", "nhà hộ sinh")
_ABBREVIATED_HEADS = ("BVĐK", "BV", "TTYT", "CDC", "TYT", "PKĐK")
_INSTITUTE_WORDS = ("pasteur", "vệ sinh", "dịch tễ", "dinh dưỡng", "huyết học", "sốt rét", "y học", "y dược",
                    "pháp y", "bỏng", "tim", "mắt", "da liễu", "lão khoa", "kiểm nghiệm", "sức khỏe", "y tế",
                    "nhi", "ung thư", "tai mũi họng", "răng hàm mặt", "châm cứu")
# Lower-case words and phrases that belong to facility names, longest first where they overlap.
_FACILITY_WORDS = tuple(sorted((
    "đa khoa", "chuyên khoa", "dã chiến", "quốc tế", "trung ương", "kiểm soát bệnh tật", "y tế", "y học cổ truyền",
    "phục hồi chức năng", "nhi", "nhi đồng", "sản", "sản nhi", "phụ sản", "ung bướu", "tâm thần",
    "lao và bệnh phổi", "phổi", "mắt", "da liễu", "răng hàm mặt", "tai mũi họng", "nội tiết", "nội tiết trung ương",
    "quân đội", "quân y", "quân dân y", "đại học", "y dược", "y khoa", "hữu nghị", "vệ sinh", "dịch tễ",
    "vệ sinh dịch tễ", "dinh dưỡng", "khu vực", "tỉnh", "huyện", "quận", "thị xã", "thành phố", "xã", "phường",
    "thị trấn", "đặc khu", "số", "cơ sở", "bệnh nhiệt đới", "nhiệt đới", "huyết học", "truyền máu", "tim mạch",
    "chấn thương chỉnh hình", "bỏng", "lão khoa", "thẩm mỹ", "y tế công cộng", "pháp y", "công an", "tư nhân",
    "điều dưỡng", "phục hồi", "y học", "thú y", "dân y", "đông y", "cổ truyền", "hậu cần", "nhân dân", "quốc gia",
    "gia đình", "tp", "tw", "trung tâm", "nội khoa", "ngoại khoa", "nha khoa", "sản phụ khoa", "phụ khoa",
    "nhi khoa", "nam khoa", "chấn thương", "chỉnh hình", "giao thông vận tải", "bưu điện", "xây dựng",
), key=lambda p: -len(p)))
_NAMING_WORDS = {"tỉnh", "huyện", "quận", "thành phố", "thị xã", "trung ương", "khu vực"}  # "Bệnh viện tỉnh"
_PLURAL_BEFORE = {"các", "những", "nhiều", "mọi", "hai", "ba", "vài"}
_COUNTED = {"giường", "bác", "bệnh", "ca", "người", "tỷ", "tỉ", "triệu"}
_MAX_FACILITY_TOKENS = 14


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
    districts: dict[str, list[str]]  # "thị xã sơn tây", "huyện sơn tịnh" → new provinces


def _short(name: str) -> str:
    return re.sub(r"^(Tỉnh|Thành phố)\s+", "", name)


def spelling_variants(name: str) -> set[str]:
    """The ways papers write a name with Đắk/Lắk syllables: "Đắk Lắk" → "Đăk Lăk", "Daklak", "Đắc Lắc" …"""
    words = name.split()
    options = [(w, *_SYLLABLE_VARIANTS.get(w, ())) for w in words]
    spaced = {" ".join(c) for c in itertools.product(*options)}
    if len(words) == 2 and all(w in _SYLLABLE_VARIANTS for w in words):  # "Daklak", "ĐắkLắk"
        spaced |= {a + b for a, b in itertools.product(*options)} | {(a + b.lower()) for a, b in
                                                                    itertools.product(*options)}
    return spaced


@lru_cache(maxsize=1)
def gazetteer() -> _Gazetteer:
    """The gazetteer built from underthesea's mapping.json, kept in the local cache
    (keyed by the mapping and the code that builds it) for the next process."""
    mapping = (resources.files("underthesea") / "address" / "data" / "mapping.json").read_bytes()
    code = [Path(module).read_bytes() for module in (__file__, normalize.__file__)]
    return cached("gazetteer", [mapping, *code, versions("underthesea")], lambda: _build_gazetteer(mapping))


def _build_gazetteer(mapping: bytes) -> _Gazetteer:
    data = json.loads(mapping)
    new_names = {k: v["short"] for k, v in data["province_names"].items()}
    written: dict[str, str] = {v: v for v in new_names.values()}
    for old_key, info in data["old_province_names"].items():
        written[info["short"]] = new_names[data["province_mapping"][old_key]]
    written.update(_ALIASES)
    provinces: dict[str, str] = {}
    for name, province in written.items():
        for variant in spelling_variants(normalize_text(name)):
            provinces.setdefault(variant, province)
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


def _known(gaz: _Gazetteer, kind: str, name: str) -> list[str] | None:
    """Provinces of a unit written ``kind name`` (current names first, then pre-reform ones),
    None when no unit is written so."""
    key = f"{kind} {name}".lower()
    tables = (gaz.units, gaz.old_units) if kind in _UNIT_TYPES else (gaz.districts, gaz.units, gaz.old_units)
    provinces = [p for table in tables for p in table.get(key, [])]
    return list(dict.fromkeys(provinces)) if provinces else None


def unit_mentions(text: str) -> list[tuple[str, str, list[str]]]:
    """``(type word, name, provinces)`` of each unit written with its type word.

    The name is every capitalised word after the type word; it is cut only where
    what follows is a province ("xã Bình Sơn Quảng Ngãi"). An unknown whole name
    gives no provinces rather than a shorter, wrong unit."""
    gaz = gazetteer()
    found = []
    for m in _TYPE.finditer(text):
        words: list[str] = []
        at = m.end()
        while len(words) < 5 and (w := _NAME_WORDS.match(text, at)) and _capitalised(w.group(1)):
            words.append(w.group(1))
            at = w.end()
        if not words:
            continue
        kind = m.group(1).lower()
        for n in range(len(words), 0, -1):
            rest = " ".join(words[n:])
            if n < len(words) and rest not in gaz.provinces:
                continue
            provs = _known(gaz, kind, " ".join(words[:n]))
            if provs is not None:
                found.append((kind, " ".join(words[:n]), provs))
                break
        else:
            found.append((kind, " ".join(words), []))
    return found


@lru_cache(maxsize=1)
def _bare_names() -> frozenset[str]:
    """Lower-case names of communes and wards (current and pre-reform) without their type
    word, two words or more, that are not :func:`broad_names`."""
    gaz = gazetteer()
    names = {key.split(" ", 1)[1] for table in (gaz.units, gaz.old_units) for key in table
             if key.startswith(("xã ", "phường "))}
    return frozenset(n for n in names if " " in n and n not in broad_names())


@lru_cache(maxsize=1)
def _district_provinces() -> dict[str, frozenset[str]]:
    """Lower-case names of former districts → the provinces they were in."""
    gaz = gazetteer()
    found: dict[str, set[str]] = {}
    for key, provinces in gaz.districts.items():
        name = key.split(" ", 2)[-1] if key.startswith(("thị xã ", "thành phố ")) else key.split(" ", 1)[1]
        found.setdefault(name, set()).update(provinces)
    return {name: frozenset(provinces) for name, provinces in found.items()}


@lru_cache(maxsize=1)
def _province_names() -> frozenset[str]:
    return frozenset(p.lower() for p in gazetteer().provinces)


@lru_cache(maxsize=1)
def broad_names() -> frozenset[str]:
    """Lower-case names of provinces and former districts: a commune or ward named after
    one ("xã Mộ Đức", "phường Kon Tum") covers a wide area."""
    return _province_names() | frozenset(_district_provinces())


def broad_in(name: str, province: str | None) -> bool:
    """Whether a commune or ward called ``name`` (lower-case) covers a wide area in
    ``province`` (in any province when None): named after a province, or after a former
    district of that province. "xã Mộ Đức" is broad in Quảng Ngãi, where Mộ Đức was a
    district; "xã Ba Vì" is not, since the district of Ba Vì was in Hà Nội."""
    if name in _province_names():
        return True
    districts = _district_provinces().get(name)
    return districts is not None and (province is None or province in districts)


_WORDS_AND_STOPS = re.compile(r"[\wÀ-ỹ]+|[.!?:;,()\"“”]")
_PERSON_TITLES = frozenset({"anh", "chị", "em", "bà", "ông", "cô", "chú", "bác", "cháu", "bé", "cụ", "bạn", "thầy",
                            "mẹ", "bố", "con", "tên", "bs"})


def bare_unit_names(text: str) -> set[str]:
    """Commune or ward names written without their type word ("phụ huynh Tịnh Phong"),
    lower-case: two or three capitalised words after a lower-case word that is not a
    person's title (so neither a sentence's first words nor part of a longer name)."""
    names = _bare_names()
    tokens = _WORDS_AND_STOPS.findall(text)
    found = set()
    for i in range(1, len(tokens) - 1):
        before = tokens[i - 1]
        if not (_capitalised(tokens[i]) and _capitalised(tokens[i + 1])) or not before[0].isalpha() \
                or _capitalised(before) or (before.lower() in _PERSON_TITLES and not _counted(tokens, i - 1)):
            continue
        for n in (3, 2):
            words = tokens[i:i + n]
            if len(words) == n and all(_capitalised(w) for w in words) and " ".join(words).lower() in names:
                found.add(" ".join(words).lower())
                break
    return found


def _counted(tokens: list[str], i: int) -> bool:
    """Whether token ``i`` (a person's title) follows a number, so counts people: "73 cháu
    Tịnh Phong" are 73 children of Tịnh Phong, while "cháu Tịnh Phong" may be a child's name."""
    return i > 0 and tokens[i - 1].isdigit()


def _pick(provs: list[str], mentioned: list[str], prefer: str | None) -> str | None:
    """The province a unit name means: the only one, one named in the text, or the preferred one."""
    for candidates in (provs if len(provs) == 1 else [], [p for p in provs if p in mentioned],
                       [p for p in provs if p == prefer]):
        if candidates:
            return candidates[0]
    return None


@lru_cache(maxsize=8)
def _by_first_word(phrases: tuple[str, ...]) -> dict[str, list[list[str]]]:
    """The words of each phrase, by its first word, in the order of ``phrases``."""
    table: dict[str, list[list[str]]] = {}
    for phrase in phrases:
        words = phrase.split()
        table.setdefault(words[0], []).append(words)
    return table


def _phrase_at(tokens: list[str], i: int, phrases: tuple[str, ...]) -> int:
    """Length in tokens of the first of ``phrases`` (lower-case) starting at token ``i``, else 0."""
    if i >= len(tokens):
        return 0
    for words in _by_first_word(phrases).get(tokens[i].lower(), ()):
        if [t.lower() for t in tokens[i:i + len(words)]] == words:
            return len(words)
    return 0


def _head_at(tokens: list[str], i: int) -> int:
    """Length of a facility head starting at token ``i`` (0: none)."""
    if tokens[i] in _ABBREVIATED_HEADS:
        return 1
    n = _phrase_at(tokens, i, _HEADS)
    if n:
        return n
    if tokens[i].lower() == "viện" and (i == 0 or tokens[i - 1].lower() != "bệnh") \
            and _phrase_at(tokens, i + 1, _INSTITUTE_WORDS):
        return 1
    return 0


def _capitalised(token: str) -> bool:
    return token[0].isupper() or token[0].isdigit()


def facility_mentions(text: str) -> list[str]:
    """Health facilities named in ``text``, whole and one at a time."""
    tokens = _TOKEN.findall(text)
    found: list[str] = []
    i = 0
    while i < len(tokens):
        head = _head_at(tokens, i)
        # "các bệnh viện TP HCM", "38 trung tâm y tế" name none
        if not head or (i and (tokens[i - 1].lower() in _PLURAL_BEFORE or tokens[i - 1].isdigit())):
            i += max(head, 1)
            continue
        j, named = i + head, False
        while j < len(tokens) and j - i < _MAX_FACILITY_TOKENS and not _head_at(tokens, j):
            token = tokens[j]
            if token in "-–" and j + 1 < len(tokens) and named \
                    and (_capitalised(tokens[j + 1]) or _phrase_at(tokens, j + 1, _FACILITY_WORDS)):
                j += 1
                continue
            words = _phrase_at(tokens, j, _FACILITY_WORDS)
            if words:
                named = named or _capitalised(token) or " ".join(tokens[j:j + words]).lower() in _NAMING_WORDS
                j += words
                continue
            if token.isdigit() and j + 1 < len(tokens) and tokens[j + 1].lower() in _COUNTED:  # "500 giường"
                break
            if token[0].isalnum() and _capitalised(token):
                j += 1
                named = True
                continue
            break
        while j > i + head and (tokens[j - 1].lower() in {"số", "sở"} or tokens[j - 1] in "-–"):
            j -= 2 if " ".join(tokens[j - 2:j]).lower() == "cơ sở" else 1
        name = " ".join(tokens[i:j])
        name = re.sub(r"\s+([-–])\s+", r" \1 ", name)
        if named or name.isupper() or (head == 1 and tokens[i] in _ABBREVIATED_HEADS and j > i + 1):
            if name not in found:
                found.append(name)
        i = max(j, i + 1)
    return found


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
    settled: set[str] = set()
    for kind, name, provs in unit_mentions(text):
        written = f"{kind} {name}"
        prov = _pick(provs, mentioned, prefer)
        if prov is None or written in settled:
            continue
        settled.add(written)
        add_province(prov)
        if kind in _UNIT_TYPES:
            result.units.append(f"{written} ({prov})")
    result.facilities = facility_mentions(text)
    return result
