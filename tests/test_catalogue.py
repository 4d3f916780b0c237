import datetime as dt
import re

import pytest

from portal import catalogue
from portal.errors import UserError

REFERENCE = catalogue.DATA.parent.parent.parent / "shared" / "reference" / "suihua-2019-18-plan.md"


def test_seven_campaigns_in_order():
    names = [c["name"] for c in catalogue.campaigns()]
    assert len(names) == 7
    assert names[0] == "巾帼家政培训活动" and names[-1] == "技能脱贫百校行动"


def test_every_named_trade_is_in_the_catalogue():
    names = " ".join(c["name"] for c in catalogue.courses())
    for trade in [
        "家政服务员",
        "月嫂",
        "育婴员",
        "养老护理员",
        "种植",
        "养殖",
        "食用菌",
        "农产品加工",
        "手工编织",
        "珠串",
        "剪纸",
        "工艺花",
        "草柳编",
        "个体工商户",
        "小微企业",
        "网络创业",
        "劳动预备制",
    ]:
        assert trade in names, trade
    campaigns = {c["code"] for c in catalogue.campaigns()}
    assert {c["campaign"] for c in catalogue.courses()} == campaigns
    assert set(c["category"] for c in catalogue.courses()) <= set(catalogue.course_categories())


def test_plan_dates():
    assert catalogue.campaign_period() == (dt.date(2019, 4, 1), dt.date(2019, 12, 20))
    assert catalogue.census_period() == (dt.date(2019, 3, 18), dt.date(2019, 3, 31))
    assert catalogue.document_number() == "绥人社发〔2019〕18号"


def test_amounts_match_the_reference():
    assert catalogue.rate("school_household_grant").amount == 3000
    assert catalogue.rate("startup_loan").cap == 150000
    assert catalogue.rate("startup_subsidy_enterprise").amount == 10000
    assert catalogue.rate("startup_subsidy_sole").amount == 5000
    assert catalogue.rate("startup_subsidy_sole").min_months == 6
    assert catalogue.rate("employer_reward").amount == 1000
    assert catalogue.rate("work_training").max_months == 6
    if REFERENCE.exists():
        text = REFERENCE.read_text(encoding="utf-8")
        for figure in ["3000元", "15万元", "10000元", "5000元", "1000元", "6个月"]:
            assert figure in text


def test_amounts_left_to_other_documents_are_never_invented():
    for key in ["training_subsidy", "transport_allowance", "living_allowance"]:
        r = catalogue.rate(key)
        assert r.amount is None and r.set_elsewhere
        assert "按" in r.describe_amount() and "规定标准执行" in r.describe_amount()
    assert "绥财联发〔2018〕49号" in catalogue.rate("training_subsidy").describe_amount()


def test_every_rate_cites_a_document():
    for r in catalogue.rates():
        assert re.search(r"〔\d{4}〕\d+号", r.document), r.key


def test_describe_amounts():
    assert catalogue.rate("startup_loan").describe_amount() == "最高15万元"
    assert catalogue.rate("startup_subsidy_enterprise").describe_amount().startswith("1万元")


def test_rate_picked_by_date():
    with pytest.raises(UserError):
        catalogue.rate("employer_reward", on=dt.date(2018, 1, 1))


def test_county_lookup_accepts_short_names():
    assert catalogue.county("望奎")["code"] == "231221"
    assert catalogue.county("231283")["name"] == "海伦市"
    with pytest.raises(UserError, match="不是绥化市"):
        catalogue.county("哈尔滨市")


def test_policies_read_amounts_from_rates():
    from portal import policies

    by_key = {p.key: p for p in policies.policies()}
    assert set(by_key) >= {
        "free_training",
        "technical_school",
        "startup_loan",
        "startup_subsidy",
        "employer_reward",
        "work_training",
    }
    assert [a.value for a in by_key["startup_subsidy"].amounts] == [10000, 5000]
    assert by_key["startup_loan"].amounts[0].amount == "最高15万元"
    assert "3000元" in by_key["technical_school"].amounts[2].amount
    for p in by_key.values():
        assert "〔" in p.document and p.how and p.who


def test_prose_amounts_follow_the_rates(monkeypatch):
    """Titles and paragraphs name rates instead of typing amounts: change a rate, the text follows."""
    import dataclasses

    from portal import policies

    by_key = {p.key: p for p in policies.policies()}
    assert "15万元" in by_key["startup_loan"].title and "15万元" in by_key["startup_loan"].what
    assert "3000元" in by_key["technical_school"].title
    assert "6个月" in by_key["work_training"].what
    assert "{" not in "".join(p.title + p.what + "".join(p.how) + p.who for p in by_key.values())
    assert "6个月" in catalogue.campaign("yigongdaixun")["summary"]

    real = catalogue.rate

    def changed(key, on=None):
        r = real(key, on)
        return dataclasses.replace(r, cap=200000) if key == "startup_loan" else r

    monkeypatch.setattr(catalogue, "rate", changed)
    loan = {p.key: p for p in policies.policies()}["startup_loan"]
    assert (
        "20万元" in loan.title and "20万元" in loan.what and "15万元" not in loan.title + loan.what
    )
