"""我能享受哪些政策: the rules that turn a visitor's answers into the policies they can get.

``evaluate`` is the reference: content/docs/assets/checker.js does the same in the browser (the
page works opened from a USB copy, nothing leaves the phone), and tests drive both with one
persona table. Every rule follows 绥人社发〔2019〕18号; amounts come from rates.yml.

- 免费培训、交通和生活补助: 建档立卡贫困劳动力 who want training (三（一）（二）).
- 技工教育 (免学费、助学金、杂费书本费生活费补助, 3000元/生/年): only a child who attends a
  技工院校, of a 建档立卡 family; a 两后生 who only wants to go is told it starts at enrolment.
- 创业担保贷款: 贫困劳动力 who start a business (三（四）).
- 一次性创业补贴: first business only, 贫困劳动力 or 返乡下乡创业人员, after 6 months of normal
  operation since registration; 10000元 for a 小微企业, 5000元 for 个体经营.
- 创业扶贫奖励补贴 1000元 per worker employed stably over 1 year, only to 农民合作社、种养大户、
  家庭农场、农业企业、扶贫车间, and it goes to the employer.
- 以工代训: employers training the poor workers they hire, at most 6 months (二（二）6).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from portal import catalogue, policies
from portal.sitebuild import render
from portal.sitebuild.context import policy_slug

RATE_KEYS = (
    "school_household_grant",
    "startup_subsidy_enterprise",
    "startup_subsidy_sole",
    "employer_reward",
    "work_training",
)
_FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
_SUFFIX = re.compile(r"(个月|月|名|人|个)$")


def config() -> dict:
    return yaml.safe_load((catalogue.DATA / "checker.yml").read_text(encoding="utf-8"))


def questions() -> list[dict]:
    return config()["questions"]


def _rates(on) -> dict:
    out = {}
    for key in RATE_KEYS:
        r = catalogue.rate(key, on)
        out[key] = {
            "amount": r.amount,
            "min_months": r.min_months,
            "max_months": r.max_months,
            "document": r.document,
        }
    return out


def data(today) -> dict:
    cfg = config()
    items = []
    for p in policies.policies():
        items.append(
            {
                "key": p.key,
                "title": p.title,
                "short": p.short,
                "url": f"../zhengce/{policy_slug(p.key)}.html",
                "who": p.who,
                "document": p.document,
                "amounts": [
                    {"name": a.name, "amount": a.amount, "document": a.document, "value": a.value}
                    for a in p.amounts
                ],
                "how": list(p.how),
            }
        )
    return {
        "document": catalogue.document_number(),
        "built": today.isoformat(),
        "questions": [
            {
                k: q.get(k)
                for k in ("key", "kind", "text", "help", "show_if", "options", "label", "max")
            }
            for q in cfg["questions"]
        ],
        "reward_employers": cfg["reward_employers"],
        "employer_kinds": {
            o["value"]: o["label"]
            for q in cfg["questions"]
            if q["key"] == "employer_kind"
            for o in q["options"]
        },
        "rates": _rates(today if today >= catalogue.plan()["document"]["date"] else None),
        "policies": items,
    }


def _shown(q: dict, answers: dict, by_key: dict) -> bool:
    for key, value in (q.get("show_if") or {}).items():
        if not _shown(by_key[key], answers, by_key) or answers.get(key) != value:
            return False
    return True


def _number(raw, q: dict, number: int) -> tuple[int | None, str | None]:
    """The whole number typed in, or a message saying what is wrong (same rules as checker.js)."""
    if raw is None:
        return None, None
    text = _SUFFIX.sub("", str(raw).strip().translate(_FULL_WIDTH)).strip()
    if text == "":
        return None, None
    if not re.fullmatch(r"[0-9]+", text):
        return (
            None,
            f"第{number}题（{q['label']}）要填0或正整数，比如 3，不能填“{str(raw).strip()}”。",
        )
    value = int(text)
    if value > q["max"]:
        return None, f"第{number}题（{q['label']}）填的 {text} 太大了，最多 {q['max']}，请检查。"
    return value, None


def normalise(cfg: dict, raw: dict) -> tuple[dict, list[str], set[str]]:
    """Answers of the questions actually shown, numbers parsed; messages and keys of bad input."""
    qs = cfg["questions"]
    by_key = {q["key"]: q for q in qs}
    answers: dict = {}
    errors: list[str] = []
    bad: set[str] = set()
    for number, q in enumerate(qs, start=1):
        if not _shown(q, answers, by_key):
            continue
        value = raw.get(q["key"])
        if q["kind"] in ("months", "count"):
            value, error = _number(value, q, number)
            if error:
                errors.append(error)
                bad.add(q["key"])
                continue
        if value is not None and value != "":
            answers[q["key"]] = value
    hired, stable = answers.get("hired_count"), answers.get("stable_count")
    if hired is not None and stable is not None and stable > hired:
        errors.append(f"满1年的人数（{stable}）比招用的总人数（{hired}）还多，请检查这两题。")
    return answers, errors, bad


def _needs(answers: dict, keys: list[str], cfg: dict, bad: set[str]) -> list[str]:
    """A message per unanswered question a rule needs (a badly typed one has its own)."""
    numbers = {q["key"]: i for i, q in enumerate(cfg["questions"], start=1)}
    return [
        f"请回答第{numbers[k]}题，不然算不出这项政策。"
        for k in keys
        if k not in answers and k not in bad
    ]


def evaluate(payload: dict, raw: dict) -> dict:
    """Results for one visitor: {"errors": [...], "results": [...], "refused": [...]}.

    A result is {key, when: "now"|"later", note, total}; ``total`` is the yuan amount when the
    plan fixes one (3 workers x 1000元 = 3000), else None. ``refused`` names the policies the
    answers touch but the plan does not give, with the reason.
    """
    answers, errors, bad = normalise(payload, raw)
    if errors:
        return {"errors": errors, "results": [], "refused": []}
    rates = payload["rates"]
    results: list[dict] = []
    refused: list[dict] = []

    def give(key, when="now", note=None, total=None):
        results.append({"key": key, "when": when, "note": note, "total": total})

    def refuse(key, reason):
        refused.append({"key": key, "reason": reason})

    poor = answers.get("poor")
    if poor is True and answers.get("wants_training") is True:
        give("free_training")
        give("transport_living")

    school = answers.get("child_school")
    grant = rates["school_household_grant"]["amount"]
    if school == "attending":
        if poor is True:
            count = answers.get("child_count")
            if count is None:
                errors += _needs(answers, ["child_count"], payload, bad)
            elif count == 0:
                errors.append("您选了有孩子正在读技工院校，孩子人数不能填0，请检查。")
            else:
                give(
                    "technical_school",
                    note=f"每个孩子每年{catalogue.yuan(grant)}，{count}个孩子每年共"
                    f"{catalogue.yuan(grant * count)}。",
                    total=grant * count,
                )
        elif poor is False:
            refuse("technical_school", "技工教育的这些补助是给建档立卡贫困家庭的。")
    elif school == "wants":
        if poor is True:
            give(
                "technical_school",
                when="later",
                note="孩子考上技工院校、开始上学后才能享受：建档立卡贫困家庭的“两后生”免费接受技工教育，"
                f"在读期间家里每个孩子每年补助{catalogue.yuan(grant)}。",
            )
        elif poor is False:
            refuse("technical_school", "免费技工教育是给建档立卡贫困家庭的“两后生”的。")

    if answers.get("business") is True:
        if poor is True:
            give("startup_loan", note="要符合创业担保贷款的申请条件，由县劳动就业部门审核。")
        missing = _needs(
            answers,
            ["business_first", "business_kind", "business_months", "returnee"],
            payload,
            bad,
        )
        if missing:
            errors += missing
        elif answers["business_first"] is False:
            refuse(
                "startup_subsidy",
                "一次性创业补贴只给第一次创业（首次创办小微企业或从事个体经营）的人。",
            )
        elif poor is not True and answers["returnee"] is not True:
            refuse(
                "startup_subsidy",
                "一次性创业补贴给贫困劳动力和农民工等返乡下乡创业人员；您两样都不是。",
            )
        else:
            key = (
                "startup_subsidy_enterprise"
                if answers["business_kind"] == "enterprise"
                else "startup_subsidy_sole"
            )
            amount = rates[key]["amount"]
            need = rates[key]["min_months"]
            kind = "办小微企业" if answers["business_kind"] == "enterprise" else "做个体经营"
            months = answers["business_months"]
            if months >= need:
                give(
                    "startup_subsidy",
                    note=f"{kind}：一次性{catalogue.yuan(amount)}。",
                    total=amount,
                )
            else:
                give(
                    "startup_subsidy",
                    when="later",
                    note=f"再正常经营{need - months}个月（满{need}个月）就可以申请，"
                    f"{kind}一次性{catalogue.yuan(amount)}。",
                )

    if answers.get("employer") is True:
        missing = _needs(
            answers, ["employer_kind", "hired_count", "stable_count", "hired_months"], payload, bad
        )
        if missing:
            errors += missing
        else:
            kind = answers["employer_kind"]
            hired, stable = answers["hired_count"], answers["stable_count"]
            reward = rates["employer_reward"]["amount"]
            if kind not in payload["reward_employers"]:
                refuse(
                    "employer_reward",
                    "创业扶贫奖励补贴只给农民合作社、种养大户、家庭农场、农业企业、扶贫车间这些农民创业主体，"
                    f"“{payload['employer_kinds'][kind]}”不在其中。",
                )
            elif hired == 0:
                refuse("employer_reward", "还没有招用建档立卡贫困家庭的劳动力。")
            elif stable > 0:
                give(
                    "employer_reward",
                    note=f"奖励发给您（招人的单位），不是发给干活的人：{stable}人 × "
                    f"{catalogue.yuan(reward)} = {catalogue.yuan(reward * stable)}。",
                    total=reward * stable,
                )
            else:
                give(
                    "employer_reward",
                    when="later",
                    note=f"招来的人在您这里稳定干满1年以上后，每人一次性{catalogue.yuan(reward)}，发给您（招人的单位）。",
                )
            limit = rates["work_training"]["max_months"]
            if hired == 0:
                refuse("work_training", "以工代训要先招用贫困劳动力。")
            elif answers["hired_months"] >= limit:
                refuse(
                    "work_training",
                    f"以工代训的职业培训补贴最长不超过{limit}个月；最近招来的人已经干满{limit}个月，"
                    "不能再享受。以后新招贫困劳动力时可以再申请。",
                )
            else:
                give(
                    "work_training",
                    note=f"补贴发给您（招人的单位），按招用人数给，最长不超过{limit}个月；"
                    f"最近招来的人已干{answers['hired_months']}个月。",
                )

    if errors:
        return {"errors": errors, "results": [], "refused": []}
    return {"errors": [], "results": results, "refused": refused}


def embedded(payload: dict) -> str:
    """JSON safe inside <script type="application/json">: no "</script>" can close it early."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def write(docs: Path, env, context: dict) -> str:
    payload = data(context["today"])
    (docs / "chaxun").mkdir(parents=True, exist_ok=True)
    (docs / "chaxun" / "checker.json").write_text(
        json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    from markupsafe import Markup

    body = render.render(
        env, "checker.md", questions=payload["questions"], data=Markup(embedded(payload)), **context
    )
    meta = {
        "title": "我能享受哪些政策",
        "description": "回答几个简单问题，马上看到您能享受的就业扶贫政策、标准和怎么申请。",
        "updated": context["today"],
    }
    return render.write_page(docs, "chaxun/index.md", meta, body)
