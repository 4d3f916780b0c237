import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal import validate
from portal.errors import UserError


@pytest.mark.parametrize(
    "raw,clean",
    [
        ("13912345678", "13912345678"),
        ("139 1234 5678", "13912345678"),
        ("+8613912345678", "13912345678"),
        ("0455-8123456", "0455-8123456"),
        ("（0455）8123456", "04558123456"),
        ("１３９１２３４５６７８", "13912345678"),
    ],
)
def test_phone_accepts(raw, clean):
    assert validate.phone(raw) == clean


@pytest.mark.parametrize("raw", ["12345", "23912345678", "abc", "139123456789"])
def test_phone_rejects_with_how_to_fix(raw):
    with pytest.raises(UserError, match="手机号"):
        validate.phone(raw)


def test_clean_text_strips_controls_and_bidi():
    assert validate.clean_text("张\u202e三\x00 ", field="姓名") == "张三"
    with pytest.raises(UserError, match="太长"):
        validate.clean_text("长" * 201, field="地址")
    with pytest.raises(UserError, match="不能为空"):
        validate.clean_text("  \x07 ", field="姓名", required=True)


def test_credit_code():
    assert validate.credit_code("91350100M000100Y43") == "91350100M000100Y43"
    with pytest.raises(UserError, match="校验位"):
        validate.credit_code("91350100M000100Y44")
    with pytest.raises(UserError, match="18位"):
        validate.credit_code("123")


@given(st.text(max_size=300))
def test_validators_never_crash(text):
    for fn in (
        lambda v: validate.phone(v),
        lambda v: validate.clean_text(v, field="x"),
        validate.credit_code,
    ):
        try:
            fn(text)
        except UserError:
            pass


@pytest.mark.parametrize(
    "typed",
    [
        "2019-06-01",
        "2019-6-1",
        "2019/06/01",
        "2019.6.1",
        "2019年6月1日",
        "2019年6月1号",
        "20190601",
        "２０１９－０６－０１",
        " 2019 6 1 ",
    ],
)
def test_a_whole_date_is_read_as_typed(typed):
    assert validate.date_text(typed, field="开班日期") == dt.date(2019, 6, 1)


@pytest.mark.parametrize(
    "typed, reason",
    [
        ("6/1/2019", "看不懂"),
        ("2019-02-30", "不存在"),
        ("2019年13月1日", "不存在"),
        ("明天", "看不懂"),
        ("201961", "看不懂"),
    ],
)
def test_a_date_it_cannot_read_is_refused_in_chinese(typed, reason):
    with pytest.raises(UserError, match=reason):
        validate.date_text(typed, field="开班日期")


def test_empty_date_is_none_unless_required():
    assert validate.date_text("  ", field="离校日期") is None
    with pytest.raises(UserError, match="开班日期不能为空"):
        validate.date_text("", field="开班日期", required=True)
