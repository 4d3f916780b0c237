"""A fixed, fictional demo data set: same seed, same data, on every machine.

Names, ID numbers and phones are generated and belong to nobody. The database remembers that
it holds demo data (``settings.demo = 1``) so that the portal and the site can say so plainly.
"""

from __future__ import annotations

import datetime as dt
import random

import sqlite_utils

from portal import accounts, areas, catalogue, clock, idnumber, validate
from portal.db import transaction

SEED = 2019
ACTOR = "demo"
DEMO_PASSWORD = "suihua2019"
# The day the fictional 2019 data is shown as of (the site build and the packs page).
AS_OF = dt.date(2019, 6, 1)
DEMO_ACCOUNTS = [
    # username, role, display name, county, institution index
    ("city_admin", "city", "市劳动就业局培训科（示例）", None, None),
    ("wangkui_staff", "county", "望奎县劳动就业服务局（示例）", "望奎县", None),
    ("beilin_staff", "county", "北林区劳动就业服务局（示例）", "北林区", None),
    ("jigou_wangkui", "institution", "望奎县巾帼家政职业培训学校（示例）", None, 0),
    ("jigou_beilin", "institution", "北林区农业实用技术培训中心（示例）", None, 1),
]

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "国建军秀英桂兰玉珍淑芬凤霞丽华明海涛春梅志强永红金凤德福长山宝林翠萍文彬晓燕立新广才树森桂芝秀云玉兰春生海燕振华"
TOWNSHIP_NAMES = [
    "新华镇",
    "永安乡",
    "兴隆镇",
    "长发乡",
    "太平镇",
    "东升乡",
    "红旗镇",
    "丰收乡",
    "富强镇",
    "团结乡",
    "前进镇",
    "向阳乡",
]
VILLAGE_NAMES = [
    "新立村",
    "胜利村",
    "光明村",
    "和平村",
    "民主村",
    "先锋村",
    "友谊村",
    "建设村",
    "长青村",
    "双山村",
    "前进村",
    "幸福村",
    "永兴村",
    "福安村",
    "德胜村",
    "东兴村",
    "西岗村",
    "南山村",
    "北河村",
    "中心村",
]
INSTITUTIONS = [
    ("望奎县巾帼家政职业培训学校（示例）", "望奎县", ["jiazheng"]),
    ("北林区农业实用技术培训中心（示例）", "北林区", ["shiyong", "jiangtang"]),
    ("兰西县特色手工艺培训学校（示例）", "兰西县", ["tese"]),
    ("青冈县创业培训指导中心（示例）", "青冈县", ["chuangye"]),
    ("庆安县职业技能培训学校（示例）", "庆安县", ["jiazheng", "shiyong"]),
    ("明水县农民技术学校（示例）", "明水县", ["shiyong", "tese"]),
    ("绥棱县劳动技能培训中心（示例）", "绥棱县", ["tese", "jiangtang"]),
    ("安达市家政服务培训学校（示例）", "安达市", ["jiazheng", "chuangye"]),
    ("肇东市职业培训学校（示例）", "肇东市", ["shiyong", "chuangye"]),
    ("海伦市技工学校培训部（示例）", "海伦市", ["baixiao", "tese"]),
]
EDUCATION = ["小学", "初中", "初中", "初中", "高中", "文盲或半文盲"]
CAPACITY = ["普通劳动力", "普通劳动力", "普通劳动力", "弱劳动力或半劳动力"]
STATUS = ["务农", "务农", "未就业", "季节性务工", "外出务工"]


def is_demo(db: sqlite_utils.Database) -> bool:
    row = list(db.query("SELECT value FROM settings WHERE key = 'demo'"))
    return bool(row and row[0]["value"] == "1")


def load(db: sqlite_utils.Database, workers_per_village: int = 14) -> dict:
    """Load the demo into an empty database; refuses to mix with real data."""
    from portal.errors import UserError

    if next(iter(db.query("SELECT COUNT(*) AS n FROM workers")))["n"]:
        raise UserError(
            "数据库里已有劳动力数据，示例数据只能装入空数据库。请用 --db 指定一个新文件。"
        )
    rng = random.Random(SEED)
    now = clock.now()
    stamp = {"created_at": now, "created_by": ACTOR, "updated_at": now, "updated_by": ACTOR}
    counts = {}
    with transaction(db):
        villages = _areas(db, rng)
        counts["villages"] = len(villages)
        counts["workers"] = _workers(db, rng, villages, workers_per_village, stamp)
        inst_ids = _institutions(db, rng, stamp)
        counts["institutions"] = len(inst_ids)
        counts["sessions"], counts["enrolments"] = _sessions(db, rng, inst_ids, now)
        _targets(db, inst_ids, now)
        _jobs(db, rng, stamp)
        _support_records(db, rng, stamp)
        db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('demo', '1')")
    for username, role, name, county, inst in DEMO_ACCOUNTS:
        accounts.create_user(
            db,
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            display_name=name,
            county=county,
            institution_id=inst_ids[inst] if inst is not None else None,
            is_admin=(role == "city"),
            actor=ACTOR,
        )
    counts["users"] = len(DEMO_ACCOUNTS)
    return counts


def _areas(db, rng) -> list[tuple[str, str, str]]:
    villages = []
    for county in catalogue.counties():
        towns = rng.sample(TOWNSHIP_NAMES, rng.randint(3, 4))
        for town in towns:
            t = areas.ensure_child(db, county["code"], town, "township")
            for village in rng.sample(VILLAGE_NAMES, rng.randint(3, 5)):
                v = areas.ensure_child(db, t, village, "village")
                villages.append((county["code"], t, v))
    return villages


def _person_name(rng) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _workers(db, rng, villages, per_village, stamp) -> int:
    rows = []
    used = set()
    trades = [
        c["name"]
        for c in catalogue.courses()
        if c["category"] in ("vocational", "practical", "startup")
    ]
    old_code = {c["code"]: c["old_codes"][0] for c in catalogue.counties()}
    # A generator of its own, so the wish leaves every other demo value as it was.
    school_rng = random.Random(f"{SEED}-school")
    for county, township, village in villages:
        for n in range(per_village):
            birth = dt.date(1955, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 46))
            division = old_code[county] if birth.year < 1984 and rng.random() < 0.7 else county
            while True:
                number = idnumber.make(division, birth, rng.randint(0, 999))
                if number not in used:
                    used.add(number)
                    break
            parsed = idnumber.parse(number)
            wants = rng.choices(["yes", "no", "unknown"], [70, 20, 10])[0]
            age = 2019 - birth.year
            person = (
                number,
                _person_name(rng),
                parsed.gender,
                parsed.birth_date.isoformat(),
                f"1{rng.choice('3578')}{rng.randint(0, 999_999_999):09d}",
                f"{village}{n:03d}",
                county,
                township,
                village,
                rng.choice(EDUCATION),
                rng.choice(CAPACITY),
                rng.choice(STATUS),
                wants,
                rng.choice(trades) if wants == "yes" else None,
                rng.choices(["yes", "no", "unknown"], [50, 30, 20])[0],
                1 if 16 <= age <= 22 and rng.random() < 0.5 else 0,
                "示例数据",
                stamp["created_at"],
                ACTOR,
                stamp["updated_at"],
                ACTOR,
            )
            rows.append((*person, _school_wish(school_rng, person[15])))
    db.conn.executemany(
        "INSERT INTO workers (id_number, name, gender, birth_date, phone, household_no, county_code, "
        "township_code, village_code, education, work_capacity, work_status, wants_training, "
        "wanted_trade, wants_job, liang_hou_sheng, source_file, created_at, created_by, updated_at, "
        "updated_by, wants_school) VALUES (" + ", ".join("?" * 22) + ")",
        rows,
    )
    return len(rows)


def _school_wish(rng, liang_hou_sheng: int) -> str:
    """就读技工院校意愿: asked of the 两后生 (most answer), seldom recorded for anyone else."""
    if liang_hou_sheng:
        return rng.choices(["yes", "no", "unknown"], [55, 30, 15])[0]
    return rng.choices(["yes", "no", "unknown"], [2, 8, 90])[0]


def _institutions(db, rng, stamp) -> list[int]:
    ids = []
    for i, (name, county, _campaigns) in enumerate(INSTITUTIONS):
        code = catalogue.county(county)["code"]
        credit = validate.make_credit_code(f"52{code}MJ{i:07d}"[:17])
        ids.append(
            db.execute(
                "INSERT INTO institutions (name, county_code, credit_code, contact_person, contact_phone, "
                "address, designated, created_at, created_by, updated_at, updated_by) "
                "VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)",
                [
                    name,
                    code,
                    credit,
                    _person_name(rng),
                    f"0455-{rng.randint(1000000, 9999999)}",
                    f"{county}城区示例路{rng.randint(1, 99)}号",
                    stamp["created_at"],
                    ACTOR,
                    stamp["updated_at"],
                    ACTOR,
                ],
            ).lastrowid
        )
    # The one technical school of the demo (技能脱贫百校行动): it may see its county's 两后生.
    db.execute("UPDATE institutions SET kind = 'technical_school' WHERE name LIKE '%技工学校%'")
    return ids


def _sessions(db, rng, inst_ids, now) -> tuple[int, int]:
    start, end = catalogue.campaign_period()
    sessions = enrolments = 0
    for inst_index, (_name, county, camps) in enumerate(INSTITUTIONS):
        county_code = catalogue.county(county)["code"]
        towns = list(db.query("SELECT code FROM areas WHERE parent_code = ?", [county_code]))
        course_list = [c for camp in camps for c in catalogue.courses(camp) if c["hours"] > 0]
        for k in range(12):
            course = course_list[k % len(course_list)]
            town = rng.choice(towns)["code"]
            village = rng.choice(
                list(db.query("SELECT code, name FROM areas WHERE parent_code = ?", [town]))
            )
            day_part = (
                "半日" if course["hours"] <= 24 or course["category"] == "lecture" else "全日"
            )
            per_day = 4 if day_part == "半日" else 8
            days = max(1, int(course["hours"] // per_day))
            first = start + dt.timedelta(days=rng.randint(0, (end - start).days - days - 1))
            last = first + dt.timedelta(days=days - 1)
            status = (
                "completed"
                if last < dt.date(2019, 9, 1)
                else rng.choice(["published"] * 4 + ["draft", "cancelled"])
            )
            mode = rng.choice(["集中", "集中", "上门"])
            daily = ("08:30", "11:30") if day_part == "半日" else ("08:30", "16:30")
            session_id = db.execute(
                "INSERT INTO sessions (institution_id, course_code, county_code, township_code, "
                "village_code, address, mode, day_part, start_date, end_date, daily_start, daily_end, "
                "class_hours, capacity, trainer, contact_phone, status, created_at, created_by, "
                "updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    inst_ids[inst_index],
                    course["code"],
                    county_code,
                    town,
                    village["code"],
                    f"{village['name']}村委会活动室"
                    if mode == "集中"
                    else f"{village['name']}（上门培训）",
                    mode,
                    day_part,
                    first.isoformat(),
                    last.isoformat(),
                    *daily,
                    days * per_day,
                    rng.choice([20, 30, 40]),
                    _person_name(rng),
                    f"0455-{rng.randint(1000000, 9999999)}",
                    status,
                    now,
                    ACTOR,
                    now,
                    ACTOR,
                ],
            ).lastrowid
            sessions += 1
            if status in ("draft", "cancelled"):
                continue
            enrolments += _enrol(db, rng, session_id, town, first, days, status, now)
    return sessions, enrolments


def _enrol(db, rng, session_id, town, first, days, status, now) -> int:
    capacity = next(iter(db.query("SELECT capacity FROM sessions WHERE id = ?", [session_id])))[
        "capacity"
    ]
    candidates = [
        r["id"]
        for r in db.query(
            "SELECT id FROM workers WHERE county_code = ? AND township_code = ? "
            "AND wants_training = 'yes' ORDER BY id",
            [town[:6], town],
        )
    ]
    chosen = rng.sample(candidates, min(len(candidates), rng.randint(capacity // 2, capacity)))
    for worker_id in chosen:
        enrolment_id = db.execute(
            "INSERT INTO enrolments (session_id, worker_id, status, created_at, created_by) VALUES (?, ?, 'enrolled', ?, ?)",
            [session_id, worker_id, now, ACTOR],
        ).lastrowid
        db.execute(
            "INSERT INTO enrolment_events (enrolment_id, status, reason, at, by) VALUES (?, 'enrolled', NULL, ?, ?)",
            [enrolment_id, now, ACTOR],
        )
        if status != "completed":
            if rng.random() < 0.05:
                _event(db, enrolment_id, "withdrawn", "家中有事，无法参加", now)
            continue
        fate = rng.random()
        if fate < 0.06:
            _event(db, enrolment_id, "withdrawn", "外出务工", now)
            continue
        present_days = days if fate > 0.15 else max(0, days - 1 - rng.randint(0, days))
        db.conn.executemany(
            "INSERT INTO attendance (enrolment_id, day, present, at, by) VALUES (?, ?, ?, ?, ?)",
            [
                (
                    enrolment_id,
                    (first + dt.timedelta(days=d)).isoformat(),
                    1 if d < present_days else 0,
                    now,
                    ACTOR,
                )
                for d in range(days)
            ],
        )
        if present_days == days:
            _event(db, enrolment_id, "completed", None, now)
            if rng.random() < 0.9:
                db.execute(
                    "INSERT INTO card_signoffs (enrolment_id, signed, signed_on, witnessed_by, at, by) "
                    "VALUES (?, 1, ?, ?, ?, ?)",
                    [
                        enrolment_id,
                        (first + dt.timedelta(days=days - 1)).isoformat(),
                        "培训机构经办人",
                        now,
                        ACTOR,
                    ],
                )
    return len(chosen)


def _event(db, enrolment_id, status, reason, now) -> None:
    db.execute(
        "INSERT INTO enrolment_events (enrolment_id, status, reason, at, by) VALUES (?, ?, ?, ?, ?)",
        [enrolment_id, status, reason, now, ACTOR],
    )
    db.execute("UPDATE enrolments SET status = ? WHERE id = ?", [status, enrolment_id])


def _targets(db, inst_ids, now) -> None:
    for county in catalogue.counties():
        willing = next(
            iter(
                db.query(
                    "SELECT COUNT(*) AS n FROM workers WHERE county_code = ? AND wants_training = 'yes'",
                    [county["code"]],
                )
            )
        )["n"]
        db.execute(
            "INSERT INTO targets (year, county_code, target, set_at, set_by) VALUES (2019, ?, ?, ?, ?)",
            [county["code"], willing, now, ACTOR],
        )
    for inst_id in inst_ids:
        inst = next(iter(db.query("SELECT county_code FROM institutions WHERE id = ?", [inst_id])))
        db.execute(
            "INSERT INTO targets (year, county_code, institution_id, target, set_at, set_by) VALUES (2019, ?, ?, 120, ?, ?)",
            [inst["county_code"], inst_id, now, ACTOR],
        )


def _jobs(db, rng, stamp) -> None:
    titles = [
        ("家政服务员", "3000-4000元/月"),
        ("养老护理员", "2800-3500元/月"),
        ("食用菌基地工人", "120元/天"),
        ("农产品加工车间操作工", "2500-3200元/月"),
        ("扶贫车间编织工", "计件，约2000元/月"),
    ]
    for county in catalogue.counties():
        for title, wage in rng.sample(titles, 2):
            db.execute(
                "INSERT INTO job_openings (county_code, employer, title, positions, wage, requirements, address, "
                "contact_phone, valid_from, valid_until, created_at, created_by, updated_at, updated_by) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, '2019-04-01', '2019-12-31', ?, ?, ?, ?)",
                [
                    county["code"],
                    f"{county['short']}示例用工单位{rng.randint(1, 9)}号",
                    title,
                    rng.randint(2, 20),
                    wage,
                    "身体健康，18至55周岁",
                    f"{county['name']}城区",
                    f"0455-{rng.randint(1000000, 9999999)}",
                    stamp["created_at"],
                    ACTOR,
                    stamp["updated_at"],
                    ACTOR,
                ],
            )


def _support_records(db, rng, stamp) -> None:
    ids = [r["id"] for r in db.query("SELECT id FROM workers ORDER BY id")]
    picks = rng.sample(ids, 40)

    def county_of(worker_id):
        return next(iter(db.query("SELECT county_code FROM workers WHERE id = ?", [worker_id])))[
            "county_code"
        ]

    common = [stamp["created_at"], ACTOR, stamp["updated_at"], ACTOR]
    for w in picks[:10]:
        start = dt.date(2019, rng.randint(4, 9), 1)
        db.execute(
            "INSERT INTO work_training_placements (worker_id, county_code, employer, employer_type, trade, start_date, end_date, created_at, created_by, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                w,
                county_of(w),
                "示例扶贫车间",
                "扶贫车间",
                "手工编织",
                start.isoformat(),
                None,
                *common,
            ],
        )
    for w in picks[10:20]:
        db.execute(
            "INSERT INTO school_students (worker_id, county_code, school, major, enrol_date, course_years, created_at, created_by, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, 3, ?, ?, ?, ?)",
            [
                w,
                county_of(w),
                "绥化市示例技工学校",
                rng.choice(["汽车维修", "电工", "烹饪", "计算机应用"]),
                "2019-09-01",
                *common,
            ],
        )
    for w in picks[20:30]:
        kind = rng.choice(["enterprise", "sole"])
        db.execute(
            "INSERT INTO startups (worker_id, county_code, kind, business_name, registered_on, created_at, created_by, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                w,
                county_of(w),
                kind,
                "示例农产品经销部" if kind == "sole" else "示例农业科技有限公司",
                dt.date(2019, rng.randint(1, 8), rng.randint(1, 28)).isoformat(),
                *common,
            ],
        )
    for w in picks[30:40]:
        db.execute(
            "INSERT INTO employer_rewards (worker_id, county_code, employer, employer_type, employed_since, created_at, created_by, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                w,
                county_of(w),
                "示例种植合作社",
                "农民合作社",
                dt.date(2018, rng.randint(1, 12), 1).isoformat(),
                *common,
            ],
        )
