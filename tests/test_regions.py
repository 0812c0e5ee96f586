"""The gazetteer: official codes, time validity, 我区 deixis, ambiguous short forms."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.config import ConfigError
from builder.config.site import load_regions
from builder.enrich.annotate import Gazetteer

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer(load_regions(REPO / "site_config" / "regions.yml"))


def test_units_carry_official_codes(gazetteer):
    assert gazetteer.by_id["guta"].code == "210702"
    assert gazetteer.by_id["wanghua"].code == "210404"
    # units of the division data without an editorial record get their code as id
    tayu = gazetteer.by_id["wanghua-tayu"]
    villages = [r for r in gazetteer.regions if r.parent == tayu.id and r.level == "村"]
    assert len(villages) >= 10 and all(v.id == v.code for v in villages)


def test_deixis_resolves_relative_to_the_document(gazetteer):
    assert gazetteer.mentions("我区召开会议", "guta") == ["guta"]
    assert gazetteer.mentions("我市我省", "guta") == ["jinzhou", "liaoning"]
    assert gazetteer.mentions("我区召开会议", "wanghua") == ["wanghua"]


def test_gu_ta_alone_is_not_the_district(gazetteer):
    assert "guta" not in gazetteer.mentions("锦州古塔春节民俗文化庙会开幕", "liaoyang")
    assert "guta" in gazetteer.mentions("古塔区召开会议", "liaoyang")


def test_local_names_count_only_in_the_documents_city(gazetteer):
    # 工农街道 exists in 望花区 (抚顺) and in 宏伟区 (辽阳)
    assert gazetteer.mentions("工农街道", "wanghua") == ["wanghua-gongnong"]
    assert gazetteer.by_id[gazetteer.mentions("工农街道", "liaoyang")[0]].parent == "hongwei"
    # 古城街道 of 古塔区 is not tagged in a 望花 document
    assert "guta-gucheng" not in gazetteer.mentions("古城街道", "wanghua")


def test_time_validity_and_history(gazetteer):
    merged = gazetteer.mentions("原北街街道、南街街道、饶阳街道合并整合为古城街道", "guta", 2019)
    assert merged == ["guta-beijie", "guta-nanjie", "guta-raoyang", "guta-gucheng"]
    beijie = gazetteer.by_id["guta-beijie"]
    assert beijie.valid_to == "2019-11" and beijie.successor == "guta-gucheng" and beijie.history
    # 钟屯乡 (2013) is the unit that became 钟屯街道 after moving to 古塔区 in 2011
    assert gazetteer.mentions("钟屯乡", "guta", 2013) == ["guta-zhongtun"]


def test_names_split_by_ocr_spaces(gazetteer):
    assert gazetteer.mentions("古 城街道", "guta") == ["guta-gucheng"]


def test_unknown_code_is_an_error(tmp_path):
    (tmp_path / "regions.yml").write_text("regions:\n  - {id: x, name: 某区, code: \"999999\"}\n", encoding="utf-8")
    (tmp_path / "divisions.csv").write_text("code,name,level,parent\n21,辽宁省,省,\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="regions.yml.*999999"):
        load_regions(tmp_path / "regions.yml")
