"""The printable sign-in sheet (签到表) of one class day, as PDF.

Trainees sign it by hand in class; it is the paper behind the attendance marked in the portal
and is kept with the session's records. ID numbers are always masked on it: the sheet lies on a
table where every trainee can read it. Everything typed by people is escaped by Jinja2's
autoescape, and WeasyPrint runs with the project's locked-down fetcher (portal.pdf).
"""

from __future__ import annotations

import datetime as dt

import jinja2
import sqlite_utils

from portal import clock, enrolment, idnumber, sessions
from portal.errors import UserError
from portal.pdf import render_pdf
from portal.scope import Actor
from portal.views import WEEKDAYS

_TEMPLATE = jinja2.Environment(autoescape=True).from_string(
    """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body>
<h1>技能扶贫培训签到表</h1>
<table class="info">
<tr><th>培训课程</th><td>{{ s.course_name }}</td><th>培训机构</th><td>{{ s.institution_name }}</td></tr>
<tr><th>上课日期</th><td>{{ day_text }}</td><th>上课时间</th><td>{{ s.daily_start }}—{{ s.daily_end }}（{{ s.day_part }}）</td></tr>
<tr><th>培训地点</th><td>{{ s.address }}</td><th>授课老师</th><td>{{ s.trainer or "" }}</td></tr>
<tr><th>班次编号</th><td>{{ s.id }}</td><th>本日课时</th><td>{{ per_day }}</td></tr>
</table>
<table class="roll">
<thead><tr><th class="n">序号</th><th class="name">姓名</th><th class="g">性别</th>
<th class="id">身份证号</th><th class="sign">本人签名</th><th class="note">备注</th></tr></thead>
<tbody>
{% for r in rows %}<tr><td class="n">{{ loop.index }}</td><td>{{ r.name }}</td><td>{{ r.gender }}</td>
<td class="id">{{ r.masked }}</td><td></td><td></td></tr>
{% endfor %}
{% for _ in range(spare) %}<tr><td class="n"></td><td></td><td></td><td></td><td></td><td></td></tr>
{% endfor %}
</tbody></table>
<p class="foot">在读学员{{ rows|length }}人。请学员本人签名，不得代签；未到的学员此栏空着，由经办人在备注栏注明。<br>
培训机构（盖章）：__________　　经办人签字：__________　　打印：{{ printed_by }}，{{ printed_at }}</p>
</body></html>
"""
)

_CSS = """
h1 { text-align: center; }
table.info th { width: 14%; text-align: left; }
table.roll { margin-top: 8pt; }
table.roll td { height: 26pt; vertical-align: middle; }
table.roll .n { width: 8%; text-align: center; }
table.roll .g { width: 8%; }
table.roll .id { width: 28%; font-size: 10pt; }
table.roll .sign { width: 24%; }
p.foot { font-size: 9.5pt; margin-top: 10pt; line-height: 1.8; }
"""


def render(
    db: sqlite_utils.Database, actor: Actor, session_id: int, day, *, spare_rows: int = 3
) -> bytes:
    """The sheet of ``day`` for everyone enrolled (not withdrawn), in roster order, as PDF bytes.

    A few blank rows are left for a trainee enrolled on the day itself.
    """
    session = sessions.get(db, actor, session_id)
    date = sessions.parse_date(day, "上课日")
    if date not in sessions.session_days(session):
        raise UserError(
            f"{date} 不是本班次的上课日（{session['start_date']}至{session['end_date']}）。"
        )
    day_text = date.isoformat()
    rows = [
        r | {"masked": idnumber.mask(r["id_number"])}
        for r in enrolment.roster(db, actor, session_id)
        if r["status"] != "withdrawn"
    ]
    now = dt.datetime.fromisoformat(clock.now())
    html = _TEMPLATE.render(
        title=f"签到表 {day_text}",
        s=session,
        day_text=f"{date.year}年{date.month}月{date.day}日（星期{WEEKDAYS[date.weekday()]}）",
        per_day=f"{sessions.hours_per_day(session):g}",
        rows=rows,
        spare=spare_rows,
        printed_by=actor.display_name or actor.username,
        printed_at=f"{now.year}年{now.month}月{now.day}日 {now:%H:%M}",
    )
    return render_pdf(html, css=_CSS)


def file_name(session_id: int, day) -> str:
    """No personal data in the name: it shows up in download folders and chat apps."""
    return f"签到表_班次{session_id}_{day}.pdf"
