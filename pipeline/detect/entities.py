"""The specific things a document names, on which stories join: a school; a commune
or ward, with its type word or, in posts, without (not one named after a former
district of the document's province); a health facility; a product or drug; the
numbers of an event; the age of its victim ("bé gái 9 tuổi"). A document naming
more than two places is a round-up: its places do not join it to anything.

The diseases and conditions a document names (:func:`conditions`) do not join
documents (many events are about dengue) but tell events apart: a story about
dengue does not take in an article about postpartum haemorrhage.

>>> sorted(specific_entities("Thêm 12 học sinh Trường Tiểu học Tịnh Phong ở xã Tịnh Phong nhập viện, "
...                          "tổng số lên 73 học sinh", ["Trạm y tế xã Tịnh Phong"], province="Quảng Ngãi"))
['facility:trạm y tế xã tịnh phong', 'number:12 học sinh', 'number:73 học sinh', 'place:tịnh phong', \
'school:tiểu học tịnh phong', 'unit:xã tịnh phong']
>>> sorted(conditions("Cứu sống sản phụ băng huyết sau sinh; bé 6 tuổi sốc sốt xuất huyết"))
['băng huyết', 'sốt xuất huyết']
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.understand.geotag import bare_unit_names, broad_in, unit_mentions

_CAPITALISED = r"(?:\s+(?:[A-ZĐ0-9ÀÁẢÃẠÂẦẤẨẪẬĂẰẮẲẴẶÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ][\wÀ-ỹ]*))"
_SCHOOL = re.compile(r"\b[Tt]rường\s+((?:mầm non|tiểu học|THCS|THPT|trung học cơ sở|trung học phổ thông|"
                     r"Mầm non|Tiểu học|Trung học cơ sở|Trung học phổ thông|liên cấp|Liên cấp|Đại học|đại học|"
                     r"Cao đẳng|cao đẳng|TH|MN)" + _CAPITALISED + r"{1,4})")
_LEVELS = {"Mầm", "Tiểu", "Trung", "THCS", "THPT", "TH", "MN", "Liên", "Đại", "Cao"}
_ROUNDUP_PLACES = 2
_GENERIC = {"Bệnh", "Viện", "Trung", "Tâm", "Y", "Tế", "Trạm", "Phòng", "Khám", "CDC", "BV", "BVĐK", "TTYT", "TYT",
            "Đa", "Khoa", "Kiểm", "Soát", "Tật", "Tỉnh", "Huyện", "Quận", "Khu", "Vực", "Xã", "Phường", "TP"}
_PRODUCT = re.compile(r"\b(?:thuốc|sản phẩm|vắc xin|vaccine|thực phẩm chức năng|sữa|nước uống|bánh|kẹo)"
                      r"((?:\s+[A-Z][\w\-+]*){1,3})")
_VICTIM = re.compile(r"\b(?:bé|cháu|bệnh nhi|học sinh|nữ sinh|nam sinh|sản phụ|bệnh nhân)\b[^.!?\n\d]{0,20}?"
                     r"(?<!\d)(\d{1,2}) tuổi", re.I)
# diseases and conditions, each with the ways it is written (the first is its name)
_CONDITIONS = (("sốt xuất huyết", "sxh"), ("băng huyết", "xuất huyết sau sinh"),
               ("xuất huyết não", "đột quỵ", "tai biến mạch máu não"), ("tay chân miệng", "tcm"), ("sởi",),
               ("rubella",), ("bạch hầu",), ("ho gà",), ("uốn ván",), ("thủy đậu",), ("cúm",),
               ("covid", "covid-19", "sars-cov-2"), ("bệnh dại", "chó dại"), ("lao phổi", "bệnh lao"), ("sốt rét",),
               ("viêm não",), ("viêm màng não",), ("viêm gan",), ("viêm phổi",), ("whitmore",), ("liên cầu lợn",),
               ("đậu mùa khỉ",), ("ngộ độc", "ndtp"), ("đái tháo đường", "tiểu đường"),
               ("tăng huyết áp", "cao huyết áp"), ("ung thư",), ("trầm cảm",), ("suy dinh dưỡng",))
_CONDITION_NAME = {written: forms[0] for forms in _CONDITIONS for written in forms}
_CONDITION = re.compile(r"(?<![\wÀ-ỹ])(" + "|".join(sorted(map(re.escape, _CONDITION_NAME), key=len, reverse=True))
                        + r")(?![\wÀ-ỹ])")
_EVENT_NUMBER = re.compile(r"(?<![\d.,])(\d{2,})(?![.,]?\d)\s+"
                           r"(học sinh|trẻ|cháu|công nhân|bệnh nhân|người|ca|ổ dịch)\b")


def specific_entities(text: str, facilities: Sequence[str] = (), post: bool = False,
                      province: str | None = None) -> set[str]:
    """Lower-case ``kind:name`` keys of the specific things ``text`` names; in a ``post``,
    also communes written without "xã" ("phụ huynh Tịnh Phong"), as people write them.
    A commune named after a former district of ``province`` (any, when None) is too wide to count."""
    found = {f"facility:{f.lower()}" for f in facilities if _specific(f)}
    low = text.lower()
    schools = [m.group(1) for m in _SCHOOL.finditer(text)] if "trường" in low else []
    units = [(kind, name) for kind, name, _ in unit_mentions(text)
             if kind in ("xã", "phường") and not broad_in(name.lower(), province)] if ("xã" in low or "phường" in low) \
        else []
    found |= {f"school:{school.lower()}" for school in schools}
    found |= {f"unit:{kind} {name}".lower() for kind, name in units}
    # a school is usually named after its commune: "Trường Tiểu học Tịnh Phong" and "xã Tịnh Phong"
    found |= {f"place:{' '.join(w for w in school.split() if w[0].isupper() and w not in _LEVELS).lower()}"
              for school in schools} | {f"place:{name.lower()}" for _, name in units}
    if post:
        found |= {f"place:{name}" for name in bare_unit_names(text)}
    if len({e for e in found if e.startswith("place:")}) > _ROUNDUP_PLACES:  # a round-up of many places
        found = {e for e in found if not e.startswith(("place:", "unit:"))}
    found |= {f"product:{m.group(1).strip().lower()}" for m in _PRODUCT.finditer(text)}
    if any(ch.isdigit() for ch in text):
        found |= {f"number:{m.group(1)} {m.group(2)}" for m in _EVENT_NUMBER.finditer(text)}
        if "tuổi" in low:
            found |= {f"victim:{m.group(1)} tuổi" for m in _VICTIM.finditer(text)}
    return found


def conditions(text: str) -> set[str]:
    """The diseases and conditions ``text`` names, by their names ("tiểu đường" is
    "đái tháo đường"; "sxh" is "sốt xuất huyết")."""
    return {_CONDITION_NAME[m.group(1)] for m in _CONDITION.finditer(text.lower())}


def _specific(facility: str) -> bool:
    """Whether a facility name says which one ("CDC tỉnh", "Bệnh viện Đa khoa tỉnh" do not)."""
    return any(w[0].isupper() and w not in _GENERIC for w in facility.split()[1:])


def strong(entities: set[str]) -> set[str]:
    """The entities that identify an event on their own: schools, places, products (a
    facility or a number alone does not: many events happen in one hospital)."""
    return {e for e in entities if not e.startswith(("number:", "facility:"))}
