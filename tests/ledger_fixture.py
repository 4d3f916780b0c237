"""A small hand-counted world for the lists and coverage tests (figures in the test docstrings)."""

from __future__ import annotations

from portal import catalogue, validate
from portal.areas import ensure_place
from portal.db import transaction
from tests.ledger_files import ident

NOW = "2019-03-20T10:00:00"


def build(db) -> dict:
    ids: dict = {}
    with transaction(db):
        _, a, a1 = ensure_place(db, "望奎县", "镇甲", "村甲一")
        _, _, a2 = ensure_place(db, "望奎县", "镇甲", "村甲二")
        _, b, b1 = ensure_place(db, "望奎县", "镇乙", "村乙一")
        _, c, c1 = ensure_place(db, "兰西县", "镇丙", "村丙一")
        ids.update(a=a, a1=a1, a2=a2, b=b, b1=b1, c=c, c1=c1)
        people = [
            # key, county, township, village, wants, trade
            ("w1", "231221", a, a1, "yes", "家政服务员"),
            ("w2", "231221", a, a1, "yes", "育婴员"),
            ("w3", "231221", a, a1, "yes", "家政服务员"),
            ("w4", "231221", a, a1, "no", None),
            ("w5", "231221", a, a1, "unknown", None),
            ("w6", "231221", a, a2, "yes", "食用菌种植"),
            ("w7", "231221", a, a2, "yes", "育婴员"),
            ("w8", "231221", b, b1, "yes", None),
            ("w9", "231222", c, c1, "yes", "电商"),
            ("w10", "231222", c, c1, "yes", "电商"),
        ]
        for n, (key, county, town, village, wants, trade) in enumerate(people, start=1):
            number = ident(n, division=county)
            ids[key] = db.execute(
                "INSERT INTO workers (id_number, name, gender, birth_date, phone, county_code, "
                "township_code, village_code, wants_training, wanted_trade, household_no, "
                "created_at, created_by, updated_at, updated_by) "
                "VALUES (?, ?, ?, ?, '13800000000', ?, ?, ?, ?, ?, ?, ?, 't', ?, 't')",
                [
                    number,
                    f"人{key}",
                    "男" if int(number[16]) % 2 else "女",
                    "1980-01-01",
                    county,
                    town,
                    village,
                    wants,
                    trade,
                    f"H{n:02d}",
                    NOW,
                    NOW,
                ],
            ).lastrowid
            ids[key + "_id"] = number
        for key, county in (("i1", "231221"), ("i2", "231222")):
            ids[key] = db.execute(
                "INSERT INTO institutions (name, county_code, credit_code, created_at, created_by,"
                " updated_at, updated_by) VALUES (?, ?, ?, ?, 't', ?, 't')",
                [
                    f"机构{key}",
                    county,
                    validate.make_credit_code(f"52{county}000000{key[-1]}".ljust(17, "0")),
                    NOW,
                    NOW,
                ],
            ).lastrowid
        jiazheng = catalogue.courses("jiazheng")[0]["code"]
        shiyong = catalogue.courses("shiyong")[0]["code"]
        sessions = [
            ("s1", "i1", jiazheng, "231221", a, a1, "completed", "2019-05-06", "2019-05-10"),
            ("s2", "i1", shiyong, "231221", a, None, "completed", "2019-05-28", "2019-06-01"),
            ("s3", "i1", jiazheng, "231221", b, None, "published", "2019-07-01", "2019-07-05"),
            ("s4", "i2", shiyong, "231222", c, c1, "completed", "2019-05-01", "2019-05-03"),
        ]
        for key, inst, course, county, town, village, status, start, end in sessions:
            ids[key] = db.execute(
                "INSERT INTO sessions (institution_id, course_code, county_code, township_code, "
                "village_code, address, mode, day_part, start_date, end_date, daily_start, "
                "daily_end, class_hours, capacity, contact_phone, status, created_at, created_by,"
                " updated_at, updated_by) VALUES (?, ?, ?, ?, ?, '村部', '集中', '全日', ?, ?, "
                "'08:30', '16:30', 40, 30, '13800000000', ?, ?, 't', ?, 't')",
                [ids[inst], course, county, town, village, start, end, status, NOW, NOW],
            ).lastrowid
        for worker, session, status in (
            ("w1", "s1", "completed"),
            ("w2", "s3", "enrolled"),
            ("w5", "s1", "completed"),
            ("w6", "s1", "completed"),
            ("w6", "s2", "completed"),
            ("w7", "s2", "withdrawn"),
            ("w9", "s4", "completed"),
        ):
            db.execute(
                "INSERT INTO enrolments (session_id, worker_id, status, created_at, created_by) "
                "VALUES (?, ?, ?, ?, 't')",
                [ids[session], ids[worker], status, NOW],
            )
    return ids
