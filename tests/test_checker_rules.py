"""The checker's rules (portal.sitebuild.checker.evaluate) against the persona table."""

from __future__ import annotations

import datetime as dt

import pytest

from portal.sitebuild import checker
from tests.checker_personas import PERSONAS

PAYLOAD = checker.data(dt.date(2019, 6, 1))


def outcome_summary(outcome: dict):
    return (
        [(r["key"], r["when"], r["total"]) for r in outcome["results"]],
        [r["key"] for r in outcome["refused"]],
        len(outcome["errors"]),
    )


@pytest.mark.parametrize("name,answers,expected", PERSONAS, ids=[p[0] for p in PERSONAS])
def test_persona(name, answers, expected):
    assert outcome_summary(checker.evaluate(PAYLOAD, answers)) == expected


def test_messages_say_what_is_wrong():
    out = checker.evaluate(PAYLOAD, dict(PERSONAS[13][1]))
    assert out["errors"] == ["第8题（已经正常经营的月数）要填0或正整数，比如 3，不能填“-3”。"]
    out = checker.evaluate(
        PAYLOAD,
        {
            "employer": True,
            "employer_kind": "coop",
            "hired_count": "3",
            "stable_count": "3",
            "hired_months": "9999",
        },
    )
    assert out["errors"] == ["第14题（最近招来的人干了几个月）填的 9999 太大了，最多 600，请检查。"]


def test_reward_goes_to_the_employer_with_the_total():
    out = checker.evaluate(PAYLOAD, dict(PERSONAS[15][1]))
    note = out["results"][0]["note"]
    assert "发给您（招人的单位）" in note and "3人 × 1000元 = 3000元" in note


def test_only_the_plans_employers_get_the_reward():
    kinds = {
        o["value"] for q in checker.questions() if q["key"] == "employer_kind" for o in q["options"]
    }
    for kind in kinds:
        out = checker.evaluate(
            PAYLOAD,
            {
                "employer": True,
                "employer_kind": kind,
                "hired_count": "1",
                "stable_count": "1",
                "hired_months": "13",
            },
        )
        got = [r["key"] for r in out["results"]]
        assert ("employer_reward" in got) == (kind in checker.config()["reward_employers"]), kind
    assert set(checker.config()["reward_employers"]) == {
        "coop",
        "grower",
        "family_farm",
        "agri_firm",
        "workshop",
    }


def test_every_policy_of_the_pack_can_be_reached():
    reached = set()
    for _, answers, _ in PERSONAS:
        reached |= {r["key"] for r in checker.evaluate(PAYLOAD, answers)["results"]}
    assert reached == {p["key"] for p in PAYLOAD["policies"]}
