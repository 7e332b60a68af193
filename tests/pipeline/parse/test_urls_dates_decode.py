"""Canonical URLs, Vietnamese dates and charset decoding."""
from __future__ import annotations

import codecs
import unicodedata
from datetime import datetime, timezone

import pytest

from pipeline.parse.dates import parse_datetime, parse_visible_date
from pipeline.parse.decode import DecodeError, decode_bytes
from pipeline.parse.urls import canonical_url

SAMPLE = "Bệnh viện quá tải, người bệnh nằm ghép ba người một giường ở khoa Nhi tỉnh Quảng Ngãi."


@pytest.mark.parametrize("variant", [
    "https://vnexpress.net/benh-vien-qua-tai-4812345.html",
    "https://VNEXPRESS.net/benh-vien-qua-tai-4812345.html?utm_source=facebook&utm_campaign=x",
    "https://m.vnexpress.net/benh-vien-qua-tai-4812345.html#box_comment",
    "https://www.vnexpress.net/benh-vien-qua-tai-4812345.html?fbclid=IwAR0abc",
    "https://amp.vnexpress.net/benh-vien-qua-tai-4812345.html",
    "https://vnexpress.net/benh-vien-qua-tai-4812345.html/amp",
    "https://vnexpress.net/amp/benh-vien-qua-tai-4812345.html",
    "https://vnexpress.net/benh-vien-qua-tai-4812345.amp.html",
])
def test_variants_share_one_canonical_url(variant: str) -> None:
    assert canonical_url(variant) == "https://vnexpress.net/benh-vien-qua-tai-4812345.html"


def test_meaningful_query_is_kept() -> None:
    assert canonical_url("https://moh.gov.vn/tin?id=123&utm_medium=x") == "https://moh.gov.vn/tin?id=123"


@pytest.mark.parametrize(("text", "expected"), [
    ("Thứ hai, 23/11/2026, 07:15 (GMT+7)", datetime(2026, 11, 23, 0, 15, tzinfo=timezone.utc)),
    ("Tue, 02 Apr 2019 15:22:57 +0700", datetime(2019, 4, 2, 8, 22, 57, tzinfo=timezone.utc)),
    ("2026-11-20T08:00:00+07:00", datetime(2026, 11, 20, 1, 0, tzinfo=timezone.utc)),
    ("2026-11-20T08:00:00Z", datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)),
    ("2026-11-20 08:00", datetime(2026, 11, 20, 1, 0, tzinfo=timezone.utc)),  # source's zone
    ("08:30 20/11/2026", datetime(2026, 11, 20, 1, 30, tzinfo=timezone.utc)),
    ("Thứ Sáu, 20/11/2026 | 09:30", datetime(2026, 11, 20, 2, 30, tzinfo=timezone.utc)),
    ("Cập nhật: 20/11/2026 - 23:10 GMT+7", datetime(2026, 11, 20, 16, 10, tzinfo=timezone.utc)),
    ("ngày 5 tháng 3 năm 2025", datetime(2025, 3, 4, 17, 0, tzinfo=timezone.utc)),
])
def test_dates_are_aware_utc(text: str, expected: datetime) -> None:
    assert parse_datetime(text) == expected


def test_decomposed_text_dates_parse() -> None:
    nfd = unicodedata.normalize("NFD", "Thứ hai, 23/11/2026, 07:15 (GMT+7)")
    assert parse_visible_date(nfd) == datetime(2026, 11, 23, 0, 15, tzinfo=timezone.utc)


def test_offset_of_another_source_zone_is_respected() -> None:
    assert parse_datetime("2026-11-20 08:00", tz="UTC") == datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)


def test_garbage_and_ancient_dates_give_none() -> None:
    assert parse_datetime("không rõ ngày") is None
    assert parse_datetime("01/01/1900") is None
    assert parse_datetime("") is None


def _cp1258(text: str) -> bytes:
    """Encode as windows-1258 does it: base letter, then a combining tone mark."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            nfd = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in tones))
            out += base.encode("cp1258") + "".join(c for c in nfd if c in tones).encode("cp1258")
    return bytes(out)


@pytest.mark.parametrize(("body", "ctype", "encoding"), [
    (SAMPLE.encode("utf-8"), "", "utf-8"),
    (SAMPLE.encode("utf-8"), "text/html; charset=iso-8859-1", "utf-8"),  # wrong label
    (codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), "", "utf-8-sig"),
    (SAMPLE.encode("utf-16"), "", "utf-16"),
    (SAMPLE.encode("utf-16-le"), "", "utf-16"),
    (_cp1258(SAMPLE), "", "cp1258"),
    (_cp1258(SAMPLE), "text/html; charset=windows-1258", "cp1258"),
    (unicodedata.normalize("NFD", SAMPLE).encode("utf-8"), "", "utf-8"),
])
def test_decoding_gives_nfc_vietnamese(body: bytes, ctype: str, encoding: str) -> None:
    text, used = decode_bytes(body, ctype)
    assert text == SAMPLE
    assert used == encoding


@pytest.mark.parametrize(("body", "reason"), [
    (b"", "empty"), (b"%PDF-1.4\n%\xe2\xe3", "binary"), (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
    (b"GIF89a\x00\x01\x00", "binary"),
])
def test_undecodable_bodies_raise_with_reason(body: bytes, reason: str) -> None:
    with pytest.raises(DecodeError, match=reason):
        decode_bytes(body)
