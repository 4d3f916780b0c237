"""A hand-counted world for the baseline (摸清底数) tests; the expected figures are in
tests/test_baseline.py, each worked out from the rows below at 2019-03-31 unless said."""

from __future__ import annotations

from portal import validate
from portal.areas import ensure_place
from portal.db import transaction
from tests.ledger_files import ident

NOW = "2019-03-20T10:00:00"

# key, county, township, village, gender, birth, 就业状态, 文化程度, 培训意愿, 工种, 就业意愿,
# 两后生, 已建档, 就读技工院校意愿
PEOPLE = [
    ("p1", "望奎县", "镇甲", "村甲一", "女", "2003-03-31", "未就业", "初中", "yes",
     "家政服务员、育婴员", "yes", 1, 1, "yes"),  # 16 on the day
    ("p2", "望奎县", "镇甲", "村甲一", "男", "2003-04-01", "在校", "初中", "no", None,
     "unknown", 0, 1, "yes"),  # 15
    ("p3", "望奎县", "镇甲", "村甲一", "女", "1993-04-01", "外出务工", "高中", "yes",
     "家政服务员", "yes", 1, 1, "yes"),  # 25
    ("p4", "望奎县", "镇甲", "村甲一", "男", "1958-03-31", "务农", "小学", "no", None,
     "no", 0, 1, "unknown"),  # 61
    ("p5", "望奎县", "镇甲", "村甲一", "男", "1958-04-01", "", None, "unknown", None,
     "unknown", 0, 1, "unknown"),  # 60
    ("p6", "望奎县", "镇甲", "村甲二", "女", "1980-06-15", "打零工", "文盲", "yes", "育婴员",
     "yes", 0, 1, "no"),  # 38, completed a training
    ("p7", "望奎县", "镇甲", "村甲二", "男", "1970-01-01", '=HYPERLINK("x")', "研究生", "yes",
     "食用菌种植", "no", 0, 1, "unknown"),  # 49
    ("p8", "望奎县", "镇乙", "村乙一", "女", "1990-12-31", "是", "初中毕业", "yes", None,
     "yes", 0, 1, "no"),  # 28
    ("p9", "望奎县", "镇乙", "村乙一", "男", "1985-05-05", "未就业", "初中", "yes", "电工",
     "yes", 0, 0, "yes"),  # not registered (建档立卡): never counted
    ("p10", "兰西县", "镇丙", "村丙一", "女", "2000-01-01", "未就业", "高中", "yes", "电商",
     "yes", 1, 1, "unknown"),  # 19
]  # fmt: skip


def build(db) -> dict:
    ids: dict = {}
    with transaction(db):
        for n, (key, county, town, village, gender, birth, status, edu, wants, trade, job, lhs,
                registered, school) in enumerate(PEOPLE, start=1):  # fmt: skip
            c, t, v = ensure_place(db, county, town, village)
            ids[f"{key}_place"] = (c, t, v)
            number = ident(n, division=c)
            ids[f"{key}_id"] = number
            ids[key] = db.execute(
                "INSERT INTO workers (id_number, name, gender, birth_date, phone, county_code, "
                "township_code, village_code, work_status, education, wants_training, "
                "wanted_trade, wants_job, liang_hou_sheng, registered, household_no, "
                "wants_school, created_at, created_by, updated_at, updated_by) VALUES "
                "(?, ?, ?, ?, '13800000000', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 't', ?, 't')",
                [number, f"人{key}", gender, birth, c, t, v, status, edu, wants, trade, job, lhs,
                 registered, f"H{n:03d}", school, NOW, NOW],
            ).lastrowid  # fmt: skip
        for name, county, kind in (
            ("望奎县某技工学校", "231221", "technical_school"),
            ("望奎县某培训中心", "231221", "training"),
        ):
            ids[kind] = db.execute(
                "INSERT INTO institutions (name, county_code, credit_code, kind, created_at, "
                "created_by, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, 't', ?, 't')",
                [name, county, validate.make_credit_code(f"52231221MJ{len(ids):07d}"[:17]), kind,
                 NOW, NOW],
            ).lastrowid  # fmt: skip
        _, town, village = ids["p6_place"]
        session = db.execute(
            "INSERT INTO sessions (institution_id, course_code, county_code, township_code, "
            "village_code, address, mode, day_part, start_date, end_date, daily_start, daily_end, "
            "class_hours, capacity, contact_phone, status, created_at, created_by, updated_at, "
            "updated_by) VALUES (?, 'jz-yuying', '231221', ?, ?, '村委会', '集中', '全日', "
            "'2019-04-01', '2019-04-10', '08:30', '16:30', 80, 30, '0455-5123456', 'completed', "
            "?, 't', ?, 't')",
            [ids["training"], town, village, NOW, NOW],
        ).lastrowid
        db.execute(
            "INSERT INTO enrolments (session_id, worker_id, status, created_at, created_by) "
            "VALUES (?, ?, 'completed', ?, 't')",
            [session, ids["p6"], NOW],
        )
        # p3 at a technical school since 2018; p1 only from September 2019
        for key, start in (("p3", "2018-09-01"), ("p1", "2019-09-01")):
            db.execute(
                "INSERT INTO school_students (worker_id, county_code, school, major, enrol_date, "
                "created_at, created_by, updated_at, updated_by) "
                "VALUES (?, '231221', '望奎县某技工学校', '电工', ?, ?, 't', ?, 't')",
                [ids[key], start, NOW, NOW],
            )
    return ids
