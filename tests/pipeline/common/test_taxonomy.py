"""The taxonomy is data: read from taxonomy.yaml, never spelled in code, and checked
against the models, keywords.yaml and routing.yaml when they are loaded."""
from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from pipeline.common.errors import ConfigError
from pipeline.common.taxonomy import load_taxonomy, taxonomy
from pipeline.detect.routing import load_routing
from pipeline.understand.classify import check_model_classes
from pipeline.understand.keywords import load_rules
from tests.conftest import REPO

CONFIG = REPO / "config"


def _yaml(name: str) -> dict:
    return yaml.safe_load((CONFIG / name).read_text(encoding="utf-8"))


def _write(folder: Path, name: str, data: dict) -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_roles_name_the_codes_of_taxonomy_md() -> None:
    tax = taxonomy()
    assert (tax.irrelevant, tax.default_signal) == ("khong_lien_quan", "thong_tin_chung")
    assert (tax.pressing, tax.false_information, tax.commendable) == \
        ("van_de_buc_xuc", "thong_tin_sai_lech", "dien_hinh_tien_tien")
    assert tax.signal_priority == ("thong_tin_sai_lech", "van_de_buc_xuc", "dien_hinh_tien_tien", "thong_tin_chung")
    assert len(tax.relevant_topics) == 9 and "khong_lien_quan" not in tax.relevant_topics
    assert tax.topic_short("dich_benh") == "dịch bệnh"
    assert tax.topic_names["duoc_thiet_bi"] == "Dược, vật tư, thiết bị y tế"
    assert not tax.is_valid_pair("khong_lien_quan", "van_de_buc_xuc")


def test_no_code_is_spelled_in_the_code() -> None:
    """Every topic and signal code and the relevance classes live in taxonomy.yaml only."""
    tax = taxonomy()
    codes = [*tax.topic_codes, *tax.signal_codes]
    words = re.compile(r"\b(" + "|".join(codes) + r")\b")
    classes = re.compile(r"""["'](%s|%s)["']""" % (tax.relevant_class, tax.not_relevant_class))
    files = [*(REPO / "pipeline").rglob("*.py"), *(REPO / "pipeline").rglob("*.j2"), *(REPO / "crawlers").rglob("*.py")]
    found = [f"{path.relative_to(REPO)}:{n}: {line.strip()}" for path in files
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if words.search(line) or classes.search(line)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["topics"][0].update(role="not_relevant"), "exactly one topic must have role not_relevant"),
    (lambda d: d["signals"][0].update(role="pressing_issue"), "role pressing_issue — did you mean pressing?"),
    (lambda d: d["topics"].append(dict(d["topics"][0])), "topic code dich_benh appears twice"),
    (lambda d: d["topics"][1].update(nmae="x"), "nmae — did you mean name?"),
    (lambda d: d.pop("relevance"), "`relevance` must give the relevance model's classes"),
])
def test_a_broken_taxonomy_is_refused(tmp_path: Path, change, message: str) -> None:  # noqa: ANN001
    data = _yaml("taxonomy.yaml")
    change(data)
    with pytest.raises(ConfigError, match=re.escape(message)) as failure:
        load_taxonomy(_write(tmp_path, "taxonomy.yaml", data))
    assert str(tmp_path / "taxonomy.yaml") in str(failure.value)


def test_keywords_must_cover_the_taxonomy(tmp_path: Path) -> None:
    data = _yaml("keywords.yaml")
    data["topic"]["dich_benhh"] = data["topic"].pop("dich_benh")
    with pytest.raises(ConfigError, match="topic dich_benhh — did you mean dich_benh?"):
        load_rules(_write(tmp_path, "typo.yaml", data))
    data["topic"].pop("dich_benhh")
    with pytest.raises(ConfigError, match="no topic dich_benh although .*taxonomy.yaml has it"):
        load_rules(_write(tmp_path, "missing.yaml", data))
    data = _yaml("keywords.yaml")
    data["signal"]["thong_tin_chung"] = ["tin tuc"]
    assert load_rules(_write(tmp_path, "default.yaml", data))  # a rule for the default signal is allowed


def test_routing_names_only_known_codes_and_agencies(tmp_path: Path) -> None:
    data = _yaml("routing.yaml")
    data["rules"][0]["when"] = {"signal": "tin_sai_lech"}
    with pytest.raises(ConfigError, match="rule 1 .*signal tin_sai_lech — did you mean thong_tin_sai_lech?"):
        load_routing(_write(tmp_path, "signal.yaml", data))
    data = _yaml("routing.yaml")
    data["rules"][2]["lead"] = "sy"
    with pytest.raises(ConfigError, match="rule 3 .*lead sy — did you mean syt?"):
        load_routing(_write(tmp_path, "agency.yaml", data))
    data = _yaml("routing.yaml")
    data["rules"] = data["rules"][:-1]
    with pytest.raises(ConfigError, match="no rule with an empty `when`"):
        load_routing(_write(tmp_path, "catchall.yaml", data))


def _fitted(classes: list[str]) -> SimpleNamespace:
    return SimpleNamespace(classes_=classes)


def test_models_must_have_the_taxonomy_classes() -> None:
    tax = taxonomy()
    models = SimpleNamespace(relevance=_fitted([tax.not_relevant_class, tax.relevant_class]),
                             topic=_fitted(sorted(tax.topic_codes)), signal=_fitted(sorted(tax.signal_codes)))
    check_model_classes(models, tax)
    models.topic = _fitted([c for c in tax.topic_codes if c != "bao_hiem_y_te"] + ["bhyt"])
    with pytest.raises(ConfigError, match="topic model does not match .*not in the taxonomy: bhyt; "
                                          "no class for: bao_hiem_y_te"):
        check_model_classes(models, tax)
    models.topic, models.relevance = _fitted(list(tax.topic_codes)), _fitted(["khong", "yte"])
    with pytest.raises(ConfigError, match="relevance model does not match"):
        check_model_classes(models, tax)
    models.relevance = None  # a quick leave-one-corpus-out trains topic and signal only
    check_model_classes(models, tax)
