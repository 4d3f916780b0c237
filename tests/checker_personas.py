"""Personas for the 我能享受哪些政策 checker: answers as typed, and what 绥人社发〔2019〕18号 gives.

Each row: (name, answers, expected). ``expected`` lists (policy key, when, total yuan or None)
in the order shown, then the refused policy keys, then how many input messages. The Python
rules (portal.sitebuild.checker.evaluate) and the page in Chromium are both checked against it.
"""

POOR_TRAINEE = {"poor": True, "wants_training": True}

PERSONAS = [
    (
        "poor worker who wants training",
        POOR_TRAINEE,
        ([("free_training", "now", None), ("transport_living", "now", None)], [], 0),
    ),
    ("not poor, wants training", {"poor": False, "wants_training": True}, ([], [], 0)),
    (
        "poor family, child attends a technical school",
        {"poor": True, "child_school": "attending", "child_count": "1"},
        ([("technical_school", "now", 3000)], [], 0),
    ),
    (
        "poor family, two children attend (full-width digit)",
        {"poor": True, "child_school": "attending", "child_count": "２"},
        ([("technical_school", "now", 6000)], [], 0),
    ),
    (
        "poor family, a 两后生 only wants to go",
        {"poor": True, "child_school": "wants"},
        ([("technical_school", "later", None)], [], 0),
    ),
    (
        "not poor, child attends",
        {"poor": False, "child_school": "attending", "child_count": "1"},
        ([], ["technical_school"], 0),
    ),
    (
        "poor, first sole proprietorship, 7 months",
        {
            "poor": True,
            "business": True,
            "business_first": True,
            "business_kind": "sole",
            "business_months": "7",
            "returnee": False,
        },
        ([("startup_loan", "now", None), ("startup_subsidy", "now", 5000)], [], 0),
    ),
    (
        "poor, first small firm, 6 months",
        {
            "poor": True,
            "business": True,
            "business_first": True,
            "business_kind": "enterprise",
            "business_months": "6个月",
            "returnee": False,
        },
        ([("startup_loan", "now", None), ("startup_subsidy", "now", 10000)], [], 0),
    ),
    (
        "poor, first small firm, 2 months",
        {
            "poor": True,
            "business": True,
            "business_first": True,
            "business_kind": "enterprise",
            "business_months": "2",
            "returnee": False,
        },
        ([("startup_loan", "now", None), ("startup_subsidy", "later", None)], [], 0),
    ),
    (
        "poor, second business",
        {
            "poor": True,
            "business": True,
            "business_first": False,
            "business_kind": "sole",
            "business_months": "12",
            "returnee": False,
        },
        ([("startup_loan", "now", None)], ["startup_subsidy"], 0),
    ),
    (
        "returning migrant (not poor), first firm, 8 months",
        {
            "poor": False,
            "business": True,
            "business_first": True,
            "business_kind": "enterprise",
            "business_months": "8",
            "returnee": True,
        },
        ([("startup_subsidy", "now", 10000)], [], 0),
    ),
    (
        "neither poor nor returnee",
        {
            "poor": False,
            "business": True,
            "business_first": True,
            "business_kind": "sole",
            "business_months": "8",
            "returnee": False,
        },
        ([], ["startup_subsidy"], 0),
    ),
    (
        "business without saying which kind",
        {
            "poor": True,
            "business": True,
            "business_first": True,
            "business_months": "8",
            "returnee": False,
        },
        ([], [], 1),
    ),
    (
        "negative months",
        {
            "poor": True,
            "business": True,
            "business_first": True,
            "business_kind": "sole",
            "business_months": "-3",
            "returnee": False,
        },
        ([], [], 1),
    ),
    (
        "months as a decimal and a word",
        {
            "employer": True,
            "employer_kind": "coop",
            "hired_count": "3",
            "stable_count": "一",
            "hired_months": "2.5",
        },
        ([], [], 2),
    ),
    (
        "cooperative, 3 workers over a year, newest 2 months",
        {
            "employer": True,
            "employer_kind": "coop",
            "hired_count": "3",
            "stable_count": "3",
            "hired_months": "2",
        },
        ([("employer_reward", "now", 3000), ("work_training", "now", None)], [], 0),
    ),
    (
        "poverty workshop, 5 hired, 2 over a year, newest 8 months",
        {
            "employer": True,
            "employer_kind": "workshop",
            "hired_count": "5",
            "stable_count": "2",
            "hired_months": "8",
        },
        ([("employer_reward", "now", 2000)], ["work_training"], 0),
    ),
    (
        "family farm, none a year yet, newest 6 months",
        {
            "employer": True,
            "employer_kind": "family_farm",
            "hired_count": "2",
            "stable_count": "0",
            "hired_months": "6",
        },
        ([("employer_reward", "later", None)], ["work_training"], 0),
    ),
    (
        "ordinary company: 以工代训 yes, reward no",
        {
            "employer": True,
            "employer_kind": "company",
            "hired_count": "4",
            "stable_count": "4",
            "hired_months": "1",
        },
        ([("work_training", "now", None)], ["employer_reward"], 0),
    ),
    (
        "more a year than hired",
        {
            "employer": True,
            "employer_kind": "grower",
            "hired_count": "2",
            "stable_count": "3",
            "hired_months": "1",
        },
        ([], [], 1),
    ),
    (
        "answers of hidden questions are ignored",
        {
            "poor": True,
            "wants_training": True,
            "business": False,
            "business_months": "-1",
            "employer": False,
            "hired_count": "x",
        },
        ([("free_training", "now", None), ("transport_living", "now", None)], [], 0),
    ),
]
