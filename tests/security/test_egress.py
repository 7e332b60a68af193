"""The egress guard: nothing a feed, sitemap, redirect or meta-refresh points at
on the crawler's own machine is fetched; each refusal is a blocked_address problem."""
from __future__ import annotations

import ipaddress

import pytest
from sqlalchemy import select

from crawlers.egress import EgressPolicy, guarded, host_port, literal_ip
from pipeline.store.schema import DocumentRow, ProblemRow, RawPageRow
from pipeline.store.store import Store, decompress
from tests.conftest import duluan_env, run_duluan


@pytest.mark.parametrize("host, address", [
    ("127.0.0.1", "127.0.0.1"), ("2130706433", "127.0.0.1"), ("0177.0.0.1", "127.0.0.1"),
    ("0x7f.1", "127.0.0.1"), ("127.1", "127.0.0.1"), ("[::1]", "::1"), ("::ffff:127.0.0.1", "::ffff:7f00:1"),
    ("3232235777", "192.168.1.1"), ("169.254.169.254", "169.254.169.254"),
])
def test_guarded_addresses_in_every_spelling(host, address):
    ip = literal_ip(host)
    assert ip == ipaddress.ip_address(address) and guarded(ip)


@pytest.mark.parametrize("address", ["10.1.2.3", "172.16.0.1", "100.64.0.1", "0.0.0.0", "224.0.0.1",
                                     "240.0.0.1", "fe80::1", "fc00::1", "::", "2002:7f00:1::"])
def test_private_reserved_multicast_and_unspecified_are_guarded(address):
    assert guarded(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "203.162.4.190", "2001:4860:4860::8888"])
def test_public_addresses_are_not_guarded(address):
    assert not guarded(ipaddress.ip_address(address))


def test_names_are_left_to_the_resolver_and_only_the_written_port_is_allowed():
    policy = EgressPolicy()
    policy.allow_urls(["http://127.0.0.1:8642/feeds/a.rss", "https://vnexpress.net/rss/suc-khoe.rss"])
    assert policy.refusal("http://127.0.0.1:8642/bai/1.html") is None
    assert "guarded" in policy.refusal("http://127.0.0.1:8643/bai/1.html")
    assert "guarded" in policy.refusal("http://2130706433:8642/")  # another spelling is another host
    assert policy.refusal("https://vnexpress.net/tin-1.html") is None
    assert literal_ip("vnexpress.net") is None and policy.refusal("http://localhost:9/") is None
    for url in ("file:///etc/passwd", "ftp://127.0.0.1/x", "data:text/html,<p>x</p>", "s3://bucket/key",
                "javascript:alert(1)"):
        assert "only http and https" in policy.refusal(url)
    assert host_port("https://Example.VN./a") == ("example.vn", 443)


def test_crawl_never_reaches_the_machine_it_runs_on(hostile, db_url, tmp_path, test_config):
    sources = hostile.sources_file(tmp_path)
    result = run_duluan(["crawl", "--sources", str(sources)], duluan_env(db_url, tmp_path / "data", test_config))
    assert result.returncode == 0, result.stderr[-3000:]

    # The internal server got no request at all: no page, no metadata, no robots.txt, no sitemap.
    assert hostile.internal.hits == []
    store = Store(db_url)
    with store.session() as s:
        blocked = {p.url: p for p in s.scalars(select(ProblemRow).where(ProblemRow.reason == "blocked_address"))}
        documents = list(s.scalars(select(DocumentRow)))
        pages = list(s.scalars(select(RawPageRow)))
    port = hostile.internal_port
    internal = hostile.internal.base_url
    expected = {
        f"{internal}/noi-bo/cong-khac.html",                         # another port on loopback
        f"http://2130706433:{port}/noi-bo/thap-phan.html",             # decimal IP
        f"http://0177.0.0.1:{port}/noi-bo/bat-phan.html",              # octal IP
        f"http://localhost:{port}/noi-bo/ten-may.html",                # a name resolving to loopback
        f"{hostile.site.base_url}/chuyen/sieu-du-lieu",                # 302 to the metadata path
        f"{hostile.site.base_url}/bai/lam-moi-200002.html",            # meta-refresh into the internal server
        f"{internal}/noi-bo/tom-tat.html",                             # a link only in a feed summary
        f"{internal}/noi-bo/sitemap-con.xml",                          # a child sitemap on loopback
        f"http://[::ffff:127.0.0.1]:{port}/noi-bo/sitemap-ipv6.xml",   # the same, IPv4-mapped IPv6
        f"ftp://127.0.0.1:{port}/feed.rss", "file:///etc/passwd",      # schemes other than http(s)
    }
    assert expected <= set(blocked), sorted(expected - set(blocked))
    assert all(p.source_id and p.detail.startswith("egress guard") for p in blocked.values())
    assert "resolves to the guarded address" in blocked[f"http://localhost:{port}/noi-bo/ten-may.html"].detail

    # Nothing from the internal server is stored, not even as a partial document.
    stored = " ".join([d.url + d.title + d.text for d in documents]
                      + [p.url + (p.final_url or "") + decompress(p.body_z).decode("utf-8", "replace") for p in pages])
    assert "NOI-BO-BI-MAT" not in stored and "SECRET-TOKEN" not in stored and f":{port}" not in stored
    # The operator's own host (written in the sources file) is crawled as usual.
    assert [d.title for d in documents if not d.partial] == ["Bệnh viện tỉnh tiếp nhận bệnh nhân sốt xuất huyết"]
    assert "documents: 1 new" in result.stdout
