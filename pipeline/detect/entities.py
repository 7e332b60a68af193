"""The specific things a document names, on which stories join: a school, a commune
or ward, a health facility, a product or drug, the numbers of an event.

>>> sorted(specific_entities("Thêm 12 học sinh Trường Tiểu học Tịnh Phong ở xã Tịnh Phong nhập viện, "
...                          "tổng số lên 73 học sinh", ["Trạm y tế xã Tịnh Phong"]))
['facility:trạm y tế xã tịnh phong', 'number:12 học sinh', 'number:73 học sinh', 'place:tịnh phong', \
'school:tiểu học tịnh phong', 'unit:xã tịnh phong']
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.understand.geotag import unit_mentions

_CAPITALISED = r"(?:\s+(?:[A-ZĐ0-9ÀÁẢÃẠÂẦẤẨẪẬĂẰẮẲẴẶÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ][\wÀ-ỹ]*))"
_SCHOOL = re.compile(r"\b[Tt]rường\s+((?:mầm non|tiểu học|THCS|THPT|trung học cơ sở|trung học phổ thông|"
                     r"Mầm non|Tiểu học|Trung học cơ sở|Trung học phổ thông|liên cấp|Liên cấp|Đại học|đại học|"
                     r"Cao đẳng|cao đẳng|TH|MN)" + _CAPITALISED + r"{1,4})")
_LEVELS = {"Mầm", "Tiểu", "Trung", "THCS", "THPT", "TH", "MN", "Liên", "Đại", "Cao"}
_PRODUCT = re.compile(r"\b(?:thuốc|sản phẩm|vắc xin|vaccine|thực phẩm chức năng|sữa|nước uống|bánh|kẹo)"
                      r"((?:\s+[A-Z][\w\-+]*){1,3})")
_EVENT_NUMBER = re.compile(r"\b(\d{2,})\s+(học sinh|trẻ|cháu|công nhân|bệnh nhân|người|ca|ổ dịch)\b")


def specific_entities(text: str, facilities: Sequence[str] = ()) -> set[str]:
    """Lower-case ``kind:name`` keys of the specific things ``text`` names."""
    found = {f"facility:{f.lower()}" for f in facilities}
    schools = [m.group(1) for m in _SCHOOL.finditer(text)]
    units = [(kind, name) for kind, name, _ in unit_mentions(text) if kind in ("xã", "phường")]
    found |= {f"school:{school.lower()}" for school in schools}
    found |= {f"unit:{kind} {name}".lower() for kind, name in units}
    # a school is usually named after its commune: "Trường Tiểu học Tịnh Phong" and "xã Tịnh Phong"
    found |= {f"place:{' '.join(w for w in school.split() if w[0].isupper() and w not in _LEVELS).lower()}"
              for school in schools} | {f"place:{name.lower()}" for _, name in units}
    found |= {f"product:{m.group(1).strip().lower()}" for m in _PRODUCT.finditer(text)}
    found |= {f"number:{m.group(1)} {m.group(2)}" for m in _EVENT_NUMBER.finditer(text)}
    return found


def strong(entities: set[str]) -> set[str]:
    """The entities that identify an event on their own (all but bare numbers)."""
    return {e for e in entities if not e.startswith("number:")}
