"""The audit log as staff read it: Chinese names for objects, actions and fields, and a
before/after that says "容量：30 → 25" instead of raw JSON.

The stored rows stay as they are (JSON, English keys, login names): they are the evidence.
This module only translates them for the screen; an unknown key or value is shown as it is
stored rather than hidden, so nothing in the log is ever silently left out.
"""

from __future__ import annotations

import json

from portal import audit, clock, idnumber

ENTITIES = {
    "users": "账户",
    "workers": "劳动力台账",
    "institutions": "培训机构",
    "sessions": "培训班次",
    "enrolments": "报名",
    "attendance": "考勤",
    "card_signoffs": "政策明白卡签字",
    "targets": "培训任务",
    "job_openings": "岗位信息",
    "work_training_placements": "以工代训记录",
    "school_students": "技工院校学生记录",
    "startups": "创业记录",
    "employer_rewards": "吸纳就业记录",
    "monthly_reports": "月报",
    "quarterly_reports": "季报",
    "pack_prints": "政策明白卡打印",
    "imports": "台账导入",
    "site": "公开网站",
    "settings": "系统设置",
    "waiting_list": "候补名单",
    "office_contacts": "办公地址和电话",
    "registration_requests": "未建档人员登记申请",
}

ACTIONS = {
    "create": "新建",
    "edit": "修改",
    "update": "更新",
    "delete": "删除",
    "publish": "发布",
    "cancel": "取消",
    "complete": "标记为已结束",
    "enrolled": "报名",
    "withdrawn": "退出",
    "completed": "结业",
    "waiting": "进入候补",
    "mark": "记考勤",
    "correct": "更正考勤",
    "sign_card": "联系卡签字",
    "revoke_card": "撤销签字",
    "create_unregistered": "登记未建档人员",
    "deactivate": "停用账户",
    "activate": "启用账户",
    "unlock": "解锁账户",
    "set_password": "重设密码",
    "lock": "锁定账户",
    "rebuild_site": "重建公开网站",
    "import": "导入台账",
    "print": "打印",
    "deliver": "登记送达",
    "save": "保存草稿",
    "submit": "提交",
    "reopen": "退回修改",
    "wait": "进入候补",
    "promoted": "候补递补",
    "dropped": "移出候补（无法递补）",
    "removed": "移出候补",
    "submit_registration": "提交登记申请",
    "approve_registration": "同意登记申请",
    "reject_registration": "退回登记申请",
}

FIELDS = {
    "id": "编号",
    "id_number": "身份证号",
    "name": "姓名",
    "gender": "性别",
    "birth_date": "出生日期",
    "phone": "联系电话",
    "household_no": "户编号",
    "county_code": "县（市、区）",
    "township_code": "乡镇",
    "village_code": "村",
    "education": "文化程度",
    "work_capacity": "劳动能力",
    "work_status": "就业状态",
    "wants_training": "培训意愿",
    "wanted_trade": "意向工种",
    "wants_job": "就业意愿",
    "liang_hou_sheng": "两后生",
    "wants_school": "就读技工院校意愿",
    "registered": "建档立卡",
    "notes": "备注",
    "note": "备注",
    "source_file": "来源文件",
    "trained": "已培训",
    "institution_id": "培训机构",
    "course_code": "课程",
    "address": "地址",
    "office_name": "单位名称",
    "mode": "培训方式",
    "day_part": "上课时段",
    "start_date": "开始日期",
    "end_date": "结束日期",
    "daily_start": "每天开始时间",
    "daily_end": "每天结束时间",
    "class_hours": "课时",
    "capacity": "名额",
    "trainer": "授课教师",
    "contact_phone": "联系电话",
    "contact_person": "联系人",
    "status": "状态",
    "reason": "原因",
    "outcome": "结果",
    "session_id": "班次",
    "worker_id": "劳动力",
    "enrolment_id": "报名",
    "day": "日期",
    "present": "出勤",
    "signed": "已签字",
    "signed_on": "签字日期",
    "witnessed_by": "经办人",
    "year": "年度",
    "campaign_code": "培训活动",
    "target": "任务数",
    "employer": "单位",
    "employer_type": "单位类型",
    "trade": "岗位（工种）",
    "school": "学校",
    "major": "专业",
    "enrol_date": "入学日期",
    "leave_date": "离校（毕业）日期",
    "course_years": "学制（年）",
    "kind": "类型",
    "business_name": "企业或个体户名称",
    "registered_on": "工商登记日期",
    "operating": "正常经营",
    "first_time": "首次创业",
    "employed_since": "入职日期",
    "employed_until": "离职日期",
    "month": "月份",
    "quarter": "季度",
    "progress": "工作进度",
    "highlights": "亮点经验",
    "model_cases": "优秀典型",
    "problems": "问题和建议",
    "submitted_at": "提交时间",
    "username": "用户名",
    "display_name": "姓名",
    "role": "角色",
    "is_admin": "账户管理员",
    "active": "启用",
    "failed_attempts": "连续输错密码次数",
    "locked_until": "锁定至",
    "password": "密码",
    "password_hash": "密码",
    "file_name": "文件名",
    "new": "新增",
    "updated": "更新",
    "unchanged": "未变",
    "rejected": "退回",
    "skipped": "跳过",
    "warnings": "提示",
    "scope": "范围",
    "pages": "页数",
    "delivered": "送达记录",
    "at": "时间",
    "ok": "成功",
    "db": "数据库",
    "created_at": "录入时间",
    "created_by": "录入人",
    "updated_at": "修改时间",
    "updated_by": "修改人",
}

# Values that are codes: shown by their Chinese meaning (other values are shown as stored).
VALUES = {
    "status": {
        "draft": "草稿",
        "published": "已发布",
        "cancelled": "已取消",
        "completed": "已结束",
        "enrolled": "已报名",
        "withdrawn": "已退出",
        "waiting": "候补",
        "submitted": "已提交",
    },
    "role": {"city": "市级", "county": "县级", "institution": "培训机构"},
    "kind": {"enterprise": "小微企业", "sole": "个体工商户"},
    "wants_training": {"yes": "有", "no": "无"},
    "wants_job": {"yes": "有", "no": "无"},
    "wants_school": {"yes": "有", "no": "无"},
}
_FLAGS = {"registered", "trained", "present", "signed", "operating", "first_time", "is_admin",
          "active", "ok", "liang_hou_sheng"}  # fmt: skip
_TIMES = {"at", "created_at", "updated_at", "submitted_at", "locked_until", "reopened_at"}
_LOGINS = {"created_by", "updated_by", "submitted_by", "reopened_by", "by"}
_HIDDEN = {"password_hash"}


def entity_label(entity: str) -> str:
    return ENTITIES.get(entity, entity)


def action_label(action: str) -> str:
    return ACTIONS.get(action, action)


def _value(key: str, value, people: dict) -> str:
    if value is None or value == "":
        return "（空）"
    if key in ("password", "password_hash"):
        return "（已隐藏）"
    if key == "id_number":
        return str(value) if "*" in str(value) else idnumber.mask(str(value))
    if key in ("phone", "contact_phone"):
        return audit.mask_phone(value)
    if key in _FLAGS and value in (0, 1, True, False, "0", "1"):
        return "是" if str(value) in ("1", "True") else "否"
    if key in VALUES and value in VALUES[key]:
        return VALUES[key][value]
    if key in _TIMES:
        return clock.display(value)
    if key in _LOGINS:
        return people.get(value, value)
    if isinstance(value, list):
        return "、".join(str(v) for v in value) if len(value) <= 20 else f"共{len(value)}条"
    if isinstance(value, dict):
        return "；".join(f"{FIELDS.get(k, k)}：{v}" for k, v in value.items())
    return audit.mask_text(str(value))


def _load(text: str | None) -> dict | None:
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return {"内容": text}
    return data if isinstance(data, dict) else {"内容": data}


def readable(before_json: str | None, after_json: str | None, people: dict | None = None):
    """(修改前, 修改后) as lines of "字段：值"; for a change, only the fields that changed."""
    people = people or {}
    before, after = _load(before_json), _load(after_json)
    keys = list(dict.fromkeys([*(before or {}), *(after or {})]))
    keys = [k for k in keys if k not in _HIDDEN or (after and k in after and not before)]
    if before and after:
        changed = [k for k in keys if before.get(k) != after.get(k)]
        keys = changed or keys
    out = []
    for data in (before, after):
        if data is None:
            out.append("")
            continue
        out.append(
            "；".join(
                f"{FIELDS.get(k, k)}：{_value(k, data.get(k), people)}" for k in keys if k in data
            )
        )
    return out[0], out[1]


def rows(entries: list[dict], people: dict) -> list[dict]:
    """Audit rows as the log table shows them (时间, 操作人, 操作, 对象, 编号, 修改前, 修改后)."""
    out = []
    for e in entries:
        before, after = readable(e.get("before_json"), e.get("after_json"), people)
        out.append(
            {
                "时间": clock.display(e["at"]),
                "操作人": people.get(e["actor"], e["actor"]),
                "操作": action_label(e["action"]),
                "对象": entity_label(e["entity"]),
                "编号": e["entity_id"] or "",
                "修改前": before,
                "修改后": after,
            }
        )
    return out
