"""Activities: types with default delays, planned / today / overdue against the assignee's today, done with
feedback, the daily reminder."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kernel.exceptions import MissingError, ValidationError


@pytest.fixture
def employee(env: Any) -> Any:
    return env["res.users"].create({"name": "Employee", "login": "employee", "password": "employee-password",
                                    "tz": "Asia/Jakarta", "group_ids": [(6, 0, [env.ref("base.group_user").id])]})


def jakarta_today() -> dt.date:
    return dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).date()


def test_the_four_types_and_their_default_delays(env, employee):
    call = env.ref("mail.mail_activity_data_call")
    partner = env["basepartner"].create({"name": "Acme"})
    activity = env["mail.activity"].browse(partner.activity_schedule(call.id, summary="Ask about the order",
                                                                     user_id=employee.id))
    assert {env.ref(f"mail.mail_activity_data_{x}").name for x in ("call", "meeting", "email", "todo")} == {
        "Call", "Meeting", "Email", "To-Do"}
    assert activity.date_deadline - dt.datetime.now(dt.timezone.utc).date() in (dt.timedelta(days=2),
                                                                                dt.timedelta(days=1),
                                                                                dt.timedelta(days=3))
    assert activity.state == "planned" and activity.res_name == "Acme"


def test_state_follows_the_assignees_today(env, employee):
    todo = env.ref("mail.mail_activity_data_todo")
    partner = env["basepartner"].create({"name": "Beta"})
    today = jakarta_today()
    states = [env["mail.activity"].browse(partner.activity_schedule(todo.id, user_id=employee.id,
                                                                    date_deadline=today + dt.timedelta(days=d))).state
              for d in (-1, 0, 1)]
    assert states == ["overdue", "today", "planned"]
    assert [a["state"] for a in partner.activity_list()] == ["overdue", "today", "planned"]


def test_assigning_tells_the_assignee_and_done_posts_the_feedback(env, env_as, employee):
    call = env.ref("mail.mail_activity_data_call")
    partner = env["basepartner"].create({"name": "Gamma"})
    activity_id = partner.activity_schedule(call.id, summary="Call back", user_id=employee.id)
    assert env_as("employee")["mail.notification"].bell()["unread"] == 1
    mine = env_as("employee")["mail.activity"].browse(activity_id)
    [message_id] = mine.action_done(feedback="They <b>agreed</b><script>x</script>")
    assert not env["mail.activity"].browse(activity_id).exists()
    [message] = partner.message_fetch()["messages"][:1]
    assert message["id"] == message_id and message["subtype"] == "Activities"
    assert "Call done: Call back" in message["body"] and "agreed" in message["body"] and "<script" not in message["body"]


def test_activities_are_their_assignees_and_planners(env, env_as, employee):
    todo = env.ref("mail.mail_activity_data_todo")
    partner = env["basepartner"].create({"name": "Delta"})
    partner.activity_schedule(todo.id)                                  # the administrator's own
    assert env_as("employee")["mail.activity"].search([]) == env["mail.activity"].browse()


def test_an_activity_needs_a_readable_record(env):
    todo = env.ref("mail.mail_activity_data_todo")
    with pytest.raises(ValidationError, match="planned on a record"):
        env["mail.activity"].create({"res_model": "no.model", "res_id": 1, "activity_type_id": todo.id})
    with pytest.raises(MissingError, match="does not exist"):
        env["mail.activity"].create({"res_model": "basepartner", "res_id": 999999, "activity_type_id": todo.id})


def test_the_daily_reminder_tells_once_a_day_of_what_is_due_or_late(env, env_as, erp_kernel, employee):
    import importlib

    activity_module = importlib.import_module("kernel.addons.mail.models.activity")
    todo = env.ref("mail.mail_activity_data_todo")
    partner = env["basepartner"].create({"name": "Eta"})
    today = jakarta_today()
    for days in (-2, 0, 3):
        env["mail.activity"].create({"res_model": "basepartner", "res_id": partner.id, "activity_type_id": todo.id,
                                     "user_id": employee.id, "summary": f"in {days}",
                                     "date_deadline": today + dt.timedelta(days=days)})
    before = env_as("employee")["mail.notification"].search_count([])
    assert activity_module.remind_due_activities(env) == 2
    assert activity_module.remind_due_activities(env) == 0                 # once a day
    titles = env_as("employee")["mail.notification"].search([], limit=2).mapped("title")
    assert env_as("employee")["mail.notification"].search_count([]) == before + 2
    assert any("overdue" in title.lower() for title in titles) and any("today" in title.lower() for title in titles)


def test_the_assignee_is_told_in_their_language(env, env_as, employee):
    employee.lang = "id"
    partner = env["basepartner"].create({"name": "Theta"})
    partner.activity_schedule(env.ref("mail.mail_activity_data_call").id, summary="Tanya pesanan",
                              user_id=employee.id)
    [notification] = env_as("employee")["mail.notification"].search([])
    assert notification.title == "Telepon ditugaskan kepada Anda: Tanya pesanan"
