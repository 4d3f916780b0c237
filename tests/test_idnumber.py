import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal import idnumber
from portal.idnumber import IdNumberError, make, mask, parse

TODAY = dt.date(2019, 6, 1)


def test_valid_number_decodes_birth_and_gender():
    number = make("231221", dt.date(1980, 5, 6), 123)
    got = parse(number, today=TODAY)
    assert got.birth_date == dt.date(1980, 5, 6)
    assert got.gender == "男"
    assert parse(make("231221", dt.date(1980, 5, 6), 124), today=TODAY).gender == "女"


def test_known_public_example_with_x():
    assert parse("11010519491231002X", today=TODAY).gender == "女"


@pytest.mark.parametrize(
    "raw",
    [
        " 231221198005061236 ",
        "'231221198005061236",
        "２３１２２１１９８００５０６１２３６",
        "231221 1980 0506 1236",
    ],
)
def test_normalisation(raw):
    assert parse(raw, today=TODAY).number == "231221198005061236"


def test_lower_case_x_accepted():
    assert parse("11010519491231002x", today=TODAY).number.endswith("X")


def test_old_suihua_code_is_valid_for_life():
    # 望奎县 used 232324 before 2000; someone born in 1975 keeps it.
    number = make("232324", dt.date(1975, 3, 1), 11)
    assert parse(number, today=TODAY).division == "232324"


def test_code_newer_than_birth_year_is_valid():
    # 北林区 (231202) was created in 2000; an ID reissued there for someone born in 1960 is fine.
    assert parse(make("231202", dt.date(1960, 1, 1), 5), today=TODAY)


def test_unknown_suihua_code_rejected():
    with pytest.raises(IdNumberError, match="行政区划"):
        parse(make("231299", dt.date(1980, 1, 1), 5), today=TODAY)


def test_unknown_province_rejected():
    with pytest.raises(IdNumberError, match="行政区划"):
        parse(make("991221", dt.date(1980, 1, 1), 5), today=TODAY)


@pytest.mark.parametrize("value", [231221198005061236, 2.31221198005061e17])
def test_numeric_cell_rejected_with_explanation(value):
    with pytest.raises(IdNumberError, match="存成了数字"):
        parse(value, today=TODAY)


def test_scientific_text_rejected():
    with pytest.raises(IdNumberError, match="科学计数法"):
        parse("2.31221E+17", today=TODAY)


def test_lost_digits_hint():
    with pytest.raises(IdNumberError, match="存成了数字"):
        parse("231221198005061000", today=TODAY)


def test_bad_check_digit():
    with pytest.raises(IdNumberError, match="校验位"):
        parse("231221198005061237", today=TODAY)


def test_bad_length_and_old_15_digit():
    with pytest.raises(IdNumberError, match="18位"):
        parse("23122119800506", today=TODAY)
    with pytest.raises(IdNumberError, match="15位"):
        parse("231221800506123", today=TODAY)


def test_impossible_and_future_birth_dates():
    first17 = "23122119800230123"
    with pytest.raises(IdNumberError, match="不是真实日期"):
        parse(first17 + idnumber.check_char(first17), today=TODAY)
    with pytest.raises(IdNumberError, match="之后"):
        parse(make("231221", dt.date(2020, 1, 1), 1), today=TODAY)


def test_empty():
    for value in (None, "", "   "):
        with pytest.raises(IdNumberError, match="为空"):
            parse(value)


def test_mask():
    assert mask("231221198005061236") == "231221********1236"
    assert mask(None) == ""


@given(
    st.one_of(st.text(max_size=40), st.integers(), st.floats(), st.none(), st.binary().map(repr))
)
def test_never_crashes(value):
    try:
        parse(value)
    except IdNumberError:
        pass


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2019, 1, 1)), st.integers(0, 999))
def test_every_made_number_is_valid(birth, seq):
    assert parse(make("231222", birth, seq), today=TODAY).birth_date == birth
