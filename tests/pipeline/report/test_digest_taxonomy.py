"""A topic added to the configuration reaches the digest without a code change, and a
configuration that disagrees with the taxonomy stops the digest with a one-line reason."""
from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

from pipeline.store.schema import AnalysisRow, DocumentRow, SourceRow
from pipeline.store.store import Store
from tests.conftest import REPO, duluan_env, run_duluan

NEW = {"code": "suc_khoe_tam_than", "name": "Sức khỏe tâm thần", "short": "sức khỏe tâm thần"}
LEAD = "Trung tâm Kiểm soát bệnh tật tỉnh"
DAY = "2026-11-17"
END = datetime(2026, 11, 17, 0, 0, tzinfo=timezone.utc)  # 07:00 in Vietnam
TITLES = ["Bệnh viện Tâm thần tỉnh quá tải bệnh nhân trầm cảm", "Quá tải bệnh nhân trầm cảm ở Bệnh viện Tâm thần tỉnh",
          "Bệnh nhân trầm cảm tăng, Bệnh viện Tâm thần tỉnh quá tải", "Bệnh viện Tâm thần tỉnh quá tải vì trầm cảm",
          "Trầm cảm gia tăng, Bệnh viện Tâm thần tỉnh quá tải", "Bệnh viện Tâm thần tỉnh: bệnh nhân trầm cảm quá tải"]


def _edit(path: Path, change) -> None:  # noqa: ANN001
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def config_with_new_topic(folder: Path) -> Path:
    """config/ copied, with a mental-health topic in taxonomy.yaml, keywords.yaml and routing.yaml."""
    config = folder / "config"
    shutil.copytree(REPO / "config", config, ignore=shutil.ignore_patterns("annotations"))
    _edit(config / "taxonomy.yaml", lambda d: d["topics"].insert(0, NEW))
    _edit(config / "keywords.yaml", lambda d: d["topic"].update({NEW["code"]: ["tram cam", "tam than"]}))

    def route(d: dict) -> None:
        d["agencies"]["cdc"] = LEAD
        d["rules"].insert(0, {"name": "sức khỏe tâm thần", "when": {"topic": NEW["code"]}, "lead": "cdc",
                              "support": "btg", "actions": ["CDC tỉnh tư vấn, hỗ trợ người bệnh."]})
    _edit(config / "routing.yaml", route)
    return config


def plant(store: Store, pressing: str) -> None:
    """Six documents of the new topic from four sources in the 24 hours before DAY 07:00."""
    with store.session() as s:
        for n in range(4):
            s.add(SourceRow(id=f"s{n}", name=f"Báo {n}", kind="rss", urls=[], province="Quảng Ngãi", config={}))
        s.flush()
        for n, title in enumerate(TITLES, 1):
            at = END - timedelta(hours=20 - 3 * n)
            s.add(DocumentRow(id=n, url_canonical=f"http://tt/{n}", url=f"http://tt/{n}", source_id=f"s{n % 4}",
                              kind="article", title=title, text="Số bệnh nhân trầm cảm đến khám tăng mạnh.",
                              published_at=at, content_sha1=str(n), fetched_at=at, updated_at=at, extra={}))
            s.flush()
            s.add(AnalysisRow(document_id=n, processed_at=at, models="planted", relevant=True, topic=NEW["code"],
                              signal=pressing, scores={}, why=[], provinces=["Quảng Ngãi"], units=[], facilities=[]))


def test_a_new_topic_reaches_the_digest(db_url: str, tmp_path: Path) -> None:
    config = config_with_new_topic(tmp_path)
    plant(Store(db_url), pressing="van_de_buc_xuc")
    result = run_duluan(["digest", "--date", DAY], duluan_env(db_url, tmp_path / "data", config))
    assert result.returncode == 0, result.stderr[-3000:]
    folder = tmp_path / "data" / "digests" / DAY
    doc = json.loads((folder / "digest.json").read_text(encoding="utf-8"))
    assert doc["topics"][0] == {"topic": NEW["code"], "name": NEW["name"], "today": 6, "yesterday": 0,
                                "norm_4_weeks": 0.0}
    assert doc["headline"]["documents"] == doc["headline"]["pressing"] == 6
    issue = doc["issues"][0]
    assert issue["topic"] == NEW["code"] and issue["level"] in ("cam", "do") and issue["lead_agency"] == LEAD
    assert len(issue["documents"]) == 5
    markdown = (folder / "digest.md").read_text(encoding="utf-8")
    assert f"{NEW['name']} · Vấn đề bức xúc, nổi cộm · Quảng Ngãi" in markdown


def test_a_routing_rule_with_an_unknown_topic_stops_the_digest(db_url: str, tmp_path: Path) -> None:
    config = config_with_new_topic(tmp_path)
    _edit(config / "taxonomy.yaml", lambda d: d["topics"].pop(0))  # routing.yaml still names it
    plant(Store(db_url), pressing="van_de_buc_xuc")
    result = run_duluan(["digest", "--date", DAY], duluan_env(db_url, tmp_path / "data", config))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"duluan: {config / 'routing.yaml'}, rule 1 (sức khỏe tâm thần): topic suc_khoe_tam_than")
    assert last.endswith(f"(the topics are in {config / 'taxonomy.yaml'})")
