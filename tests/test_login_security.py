"""Log-in security: locks per account and address, one answer for every failure, strong
passwords, and the server-side session that survives a refresh but not a log-out."""

from __future__ import annotations

import datetime as dt

import pytest
from portal_support import actor

from portal import accounts, login_sessions, useradmin
from portal.db import ROOT, one
from portal.errors import UserError

T0 = dt.datetime(2019, 6, 1, 9, 0, 0)
PASSWORD = "suihua2019"  # the demo accounts' password


def fail(db, who, password, client, now):
    with pytest.raises(UserError) as caught:
        accounts.authenticate(db, who, password, client=client, now=now)
    return str(caught.value)


def test_five_wrong_passwords_lock_only_that_address(demo_db):
    for n in range(accounts.MAX_FAILURES):
        fail(demo_db, "wangkui_staff", "wrong-pass1", "10.0.0.9", T0 + dt.timedelta(seconds=n))
    # the owner at another address is not locked out by the guesser
    who = accounts.authenticate(demo_db, "wangkui_staff", PASSWORD, client="10.0.0.1", now=T0)
    assert who.username == "wangkui_staff"
    # the guesser's address is locked even with the right password, with the same sentence
    assert fail(demo_db, "wangkui_staff", PASSWORD, "10.0.0.9", T0) == accounts.WRONG_LOGIN
    later = T0 + dt.timedelta(minutes=accounts.FIRST_LOCK_MINUTES, seconds=10)
    assert accounts.authenticate(demo_db, "wangkui_staff", PASSWORD, client="10.0.0.9", now=later)


def test_each_lock_lasts_longer(demo_db):
    now = T0
    untils = []
    for _ in range(3):
        for _ in range(accounts.MAX_FAILURES):
            fail(demo_db, "beilin_staff", "wrong-pass1", "10.0.0.7", now)
        row = one(demo_db, "SELECT * FROM login_failures WHERE username = 'beilin_staff'")
        until = dt.datetime.fromisoformat(row["locked_until"])
        untils.append(until - now)
        now = until + dt.timedelta(seconds=1)
    assert untils == [dt.timedelta(minutes=m) for m in (15, 30, 60)]
    assert accounts.lock_minutes(20) == accounts.LONGEST_LOCK_MINUTES


def test_every_failure_gives_the_same_answer_after_the_same_argon2_work(demo_db, monkeypatch):
    calls = []
    real_check = accounts._password_matches

    def counting_check(hash_, password):
        calls.append(hash_.split("$")[3])  # the argon2 cost parameters of the hash verified
        return real_check(hash_, password)

    monkeypatch.setattr(accounts, "_password_matches", counting_check)
    for _ in range(accounts.MAX_FAILURES):
        fail(demo_db, "lanxi_staff", "wrong-pass1", "10.0.0.5", T0)
    calls.clear()
    demo_db.execute("UPDATE users SET active = 0 WHERE username = 'beilin_staff'")
    demo_db.conn.commit()
    answers = {
        "wrong": fail(demo_db, "wangkui_staff", "wrong-pass1", "10.0.0.5", T0),
        "locked": fail(demo_db, "lanxi_staff", PASSWORD, "10.0.0.5", T0),
        "unknown": fail(demo_db, "nobody_here", PASSWORD, "10.0.0.5", T0),
        "deactivated": fail(demo_db, "beilin_staff", PASSWORD, "10.0.0.5", T0),
    }
    assert set(answers.values()) == {accounts.WRONG_LOGIN}
    assert len(calls) == 4 and len(set(calls)) == 1  # one verification each, same cost


def test_locks_are_audited_and_shown_to_the_city(demo_db):
    for _ in range(accounts.MAX_FAILURES):
        fail(demo_db, "wangkui_staff", "wrong-pass1", "10.0.0.9", T0)
    city = actor(demo_db, "city_admin")
    locks = useradmin.recent_locks(demo_db, city, now=T0)
    assert [(r["username"], r["client"], r["locks"], r["locked_now"]) for r in locks] == [
        ("wangkui_staff", "10.0.0.9", 1, True)
    ]
    entry = one(demo_db, "SELECT * FROM audit_log WHERE action = 'lock'")
    assert entry["actor"] == "wangkui_staff" and "10.0.0.9" in entry["after_json"]
    with pytest.raises(UserError):
        useradmin.recent_locks(demo_db, actor(demo_db, "wangkui_staff"))
    useradmin.unlock(demo_db, city, "wangkui_staff")
    assert accounts.authenticate(demo_db, "wangkui_staff", PASSWORD, client="10.0.0.9", now=T0)


@pytest.mark.parametrize(
    "password", ["password1", "abc12345", "qwerty123", "1qaz2wsx", "wangkui01x", "a1b2c3d4"]
)
def test_common_and_guessable_passwords_are_refused(password):
    with pytest.raises(UserError, match="太常见或太容易猜到"):
        accounts.check_password_strength(password, user_inputs=("wangkui01x",))


def test_strong_password_passes_and_short_ones_say_why():
    accounts.check_password_strength("qingzhou2019x")
    with pytest.raises(UserError, match="至少8位"):
        accounts.check_password_strength("ab1")
    with pytest.raises(UserError, match="字母和数字"):
        accounts.check_password_strength("12345678901")


def test_admin_cannot_set_a_weak_password(demo_db):
    city = actor(demo_db, "city_admin")
    with pytest.raises(UserError, match="太常见"):
        useradmin.reset_password(demo_db, city, "wangkui_staff", "password1")
    with pytest.raises(UserError, match="太常见"):
        useradmin.create(demo_db, city, username="zhangsan", password="zhangsan1", role="city")


# --- server-side sessions ---------------------------------------------------------------------


def test_session_token_is_stored_hashed_and_resumes(demo_db):
    token = login_sessions.start(demo_db, "wangkui_staff", now=T0)
    dump = "\n".join(demo_db.conn.iterdump())
    assert token not in dump
    who, why = login_sessions.resume(demo_db, token, now=T0 + dt.timedelta(minutes=29))
    assert who.username == "wangkui_staff" and why is None
    # each click moves the idle clock on
    who, _ = login_sessions.resume(demo_db, token, now=T0 + dt.timedelta(minutes=58))
    assert who is not None
    assert login_sessions.resume(demo_db, "made-up-token") == (None, None)


def test_idle_session_ends_on_the_server(demo_db):
    token = login_sessions.start(demo_db, "wangkui_staff", now=T0)
    assert login_sessions.resume(demo_db, token, now=T0 + dt.timedelta(minutes=31)) == (
        None,
        "idle",
    )
    # revoked for good: coming back sooner does not revive it
    assert login_sessions.resume(demo_db, token, now=T0) == (None, None)


def test_logout_deactivation_and_new_password_revoke(demo_db):
    city = actor(demo_db, "city_admin")
    out = login_sessions.start(demo_db, "wangkui_staff")
    login_sessions.revoke(demo_db, out)
    assert login_sessions.resume(demo_db, out) == (None, None)

    token = login_sessions.start(demo_db, "wangkui_staff")
    useradmin.set_active(demo_db, city, "wangkui_staff", False)
    useradmin.set_active(demo_db, city, "wangkui_staff", True)
    assert login_sessions.resume(demo_db, token) == (None, None)  # not revived by re-enabling

    token = login_sessions.start(demo_db, "wangkui_staff")
    useradmin.reset_password(demo_db, city, "wangkui_staff", "qingzhou2019x")
    assert login_sessions.resume(demo_db, token) == (None, None)
    whys = [r["revoked_why"] for r in demo_db.query("SELECT revoked_why FROM login_sessions")]
    assert whys == ["logout", "deactivated", "password"]


def test_admin_changing_their_own_password_stays_logged_in(demo_db):
    city = actor(demo_db, "city_admin")
    mine = login_sessions.start(demo_db, "city_admin")
    elsewhere = login_sessions.start(demo_db, "city_admin")
    useradmin.reset_password(demo_db, city, "city_admin", "qingzhou2019x", keep_session=mine)
    assert login_sessions.resume(demo_db, mine)[0].username == "city_admin"
    assert login_sessions.resume(demo_db, elsewhere) == (None, None)


def test_accounts_page_shows_the_city_admin_the_locks(demo_db, demo_db_path):
    from streamlit.testing.v1 import AppTest

    for _ in range(accounts.MAX_FAILURES):
        fail(demo_db, "wangkui_staff", "wrong-pass1", "10.0.0.9", dt.datetime.now())
    at = AppTest.from_file(str(ROOT / "portal" / "pages" / "accounts.py"), default_timeout=60)
    at.session_state.actor = actor(demo_db, "city_admin")
    at.run()
    assert not at.exception
    assert [s.value for s in at.subheader if s.value == "登录锁定提醒"]
    table = next(d.value for d in at.dataframe if "来源地址" in d.value.columns)
    assert list(table["用户名"]) == ["wangkui_staff"] and list(table["状态"]) == ["锁定中"]
    users = at.dataframe[0].value
    assert users.loc[users["用户名"] == "wangkui_staff", "状态"].item() == "锁定中"
