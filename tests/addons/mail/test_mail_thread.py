"""mail.thread: messages, tracked changes, followers and notifications, on both databases."""

from __future__ import annotations

from typing import Any

import pytest

from kernel.exceptions import AccessError, MissingError, ValidationError


@pytest.fixture
def employee(env: Any) -> Any:
    return env["res.users"].create({"name": "Employee", "login": "employee", "password": "employee-password",
                                    "email": "employee@example.com",
                                    "group_ids": [(6, 0, [env.ref("base.group_user").id])]})


def test_a_tracked_write_posts_one_message_listing_each_change_old_to_new(env):
    partner = env["basepartner"].create({"name": "Acme", "email": "info@acme.example"})
    partner.write({"name": "Acme Corp", "email": "sales@acme.example", "city": "Bandung"})
    messages = partner.message_fetch()["messages"]
    tracked = [m for m in messages if m["tracking"]]
    assert len(tracked) == 1
    assert {(t["field"], t["old"], t["new"]) for t in tracked[0]["tracking"]} == {
        ("Partner Name", "Acme", "Acme Corp"), ("Email", "info@acme.example", "sales@acme.example")}
    partner.write({"name": "Acme Corp"})                  # no change: no message
    assert len([m for m in partner.message_fetch()["messages"] if m["tracking"]]) == 1


def test_partner_types_are_tracked_by_name(env):
    vendor = env.ref("base.base_partner_type_vendor")
    partner = env["basepartner"].create({"name": "Supplier"})
    partner.write({"partner_types": [(4, vendor.id)]})
    [line] = partner.message_fetch()["messages"][0]["tracking"]
    assert (line["field"], line["old"], line["new"]) == ("Partner Types", "", vendor.name)


def test_a_comment_is_sanitised_and_shown_newest_first(env):
    partner = env["basepartner"].create({"name": "Beta"})
    partner.message_post(body="first")
    partner.message_post(body='<p onclick="x()">hi <script>alert(1)</script><a href="javascript:x">link</a></p>',
                         message_type="note")
    messages = partner.message_fetch()["messages"]
    assert messages[0]["body"] == "<p>hi <a>link</a></p>"
    assert messages[0]["message_type"] == "note"
    assert messages[1]["body"] == "first"
    assert [m["message_type"] for m in partner.message_fetch(kind="comment")["messages"]] == ["comment"]


def test_the_timeline_pages_by_fifty(env):
    partner = env["basepartner"].create({"name": "Chatty"})
    for number in range(55):
        partner.message_post(body=f"message {number}")
    first = partner.message_fetch()
    assert len(first["messages"]) == 50 and first["more"]
    rest = partner.message_fetch(offset=50)
    assert [m["body"] for m in rest["messages"]] == [f"message {n}" for n in range(4, -1, -1)]
    assert not rest["more"]


def test_bad_posts_are_refused_with_their_reason(env):
    partner = env["basepartner"].create({"name": "Gamma"})
    with pytest.raises(ValidationError, match="needs a text or an attachment"):
        partner.message_post(body="  ")
    with pytest.raises(ValidationError, match="comment or a note, not 'email'"):
        partner.message_post(body="x", message_type="email")
    with pytest.raises(ValidationError, match="Unknown kind of message 'spam'"):
        partner.message_fetch(kind="spam")
    assert partner.message_fetch()["messages"] == []


def test_the_creator_and_assignee_follow_and_a_comment_notifies_the_others(env, env_as, employee):
    partner = env_as("employee")["basepartner"].create({"name": "Delta"})
    assert [f["user_id"] for f in partner.message_followers()] == [employee.id]
    env["basepartner"].browse(partner.id).message_post(body="Hello")     # the superuser writes: the employee is told
    employee_env = env_as("employee")
    bell = employee_env["mail.notification"].bell()
    assert bell["unread"] == 1 and bell["items"][0]["res_id"] == partner.id
    employee_env["mail.notification"].search([]).mark_read()
    assert employee_env["mail.notification"].bell()["unread"] == 0


def test_a_follower_preferring_email_and_a_partner_follower_get_queued_mails(env, employee):
    employee.notify_message = "email"
    partner = env["basepartner"].create({"name": "Epsilon"})
    outsider = env["basepartner"].create({"name": "Outsider", "email": "outsider@example.com"})
    partner.message_subscribe(partner_ids=[outsider.id], user_ids=[employee.id])
    partner.message_post(body="<p>News</p>")
    mails = env["mail.mail"].search([("mail_message_id", "!=", False)])
    assert sorted(mails.mapped("email_to")) == ["employee@example.com", "outsider@example.com"]
    assert set(mails.mapped("state")) == {"outgoing"}
    partner.message_post(body="internal", message_type="note")    # notes tell nobody
    assert env["mail.mail"].search_count([]) == 2


def test_notifications_are_their_owners_only(env, env_as, employee):
    other = env["res.users"].create({"name": "Other", "login": "other", "password": "other-password",
                                     "group_ids": [(6, 0, [env.ref("base.group_user").id])]})
    env["mail.notification"].create({"user_id": other.id, "title": "Not yours"})
    assert env_as("employee")["mail.notification"].search([]) == env["mail.notification"].browse()


def test_users_read_the_messages_of_the_records_they_read_and_write_none(env, env_as, employee):
    partner = env["basepartner"].create({"name": "Zeta"})
    partner.message_post(body="visible")
    hidden = env["mail.message"].create({"model": "ir.config_parameter", "res_id": 1, "body": "hidden"})
    employee_messages = env_as("employee")["mail.message"]
    assert employee_messages.search([("body", "in", ["visible", "hidden"])]).mapped("body") == ["visible"]
    with pytest.raises(MissingError):
        employee_messages.browse(hidden.id).read(["body"])
    with pytest.raises(AccessError, match="mail.message"):
        employee_messages.create({"model": "basepartner", "res_id": partner.id, "body": "forged"})
    with pytest.raises(AccessError, match="mail.followers"):
        env_as("employee")["mail.followers"].search([])
    with pytest.raises(MissingError):
        env["basepartner"].browse(999999).message_post(body="x")


def test_deleting_a_record_deletes_its_chatter(env):
    partner = env["basepartner"].create({"name": "Eta"})
    partner.message_post(body="bye")
    partner.unlink()
    assert env["mail.message"].search_count([("model", "=", "basepartner"), ("res_id", "=", partner.id)]) == 0
    assert env["mail.followers"].search_count([("res_model", "=", "basepartner"), ("res_id", "=", partner.id)]) == 0



def test_a_comment_carries_its_attachments(env):
    partner = env["basepartner"].create({"name": "Theta"})
    attachment = env["ir.attachment"].create({"name": "quote.txt", "raw": b"price: 10", "res_model": "basepartner",
                                              "res_id": partner.id})
    partner.message_post(body="See the quote", attachment_ids=[attachment.id])
    [message] = partner.message_fetch()["messages"][:1]
    assert message["attachments"] == [{"id": attachment.id, "name": "quote.txt", "mimetype": "text/plain",
                                       "url": f"/web/content/{attachment.id}"}]
    with pytest.raises(ValidationError, match="attachments do not exist"):
        partner.message_post(body="x", attachment_ids=[999999])


def test_an_indonesian_user_reads_the_chatter_in_indonesian(env):
    indonesian = env(context={**env.context, "lang": "id"})
    assert indonesian._("Send message") == "Kirim pesan"
    assert indonesian.ref("mail.mail_activity_data_call").name == "Telepon"
    assert indonesian.ref("mail.mt_comment").name == "Diskusi"
    partner = env["basepartner"].create({"name": "Kappa"})
    with pytest.raises(ValidationError, match="Pesan memerlukan teks atau lampiran"):
        partner.with_context(lang="id").message_post(body="")


def test_users_choose_how_they_are_told_in_their_preferences(env, env_as, employee):
    preferences = env_as("employee")["mail.preferences"]
    dialog = preferences.create({})
    assert (dialog.email, dialog.notify_message) == ("employee@example.com", "inbox")
    dialog.write({"email": "", "notify_message": "email"})
    with pytest.raises(ValidationError, match="give your email address"):
        dialog.action_save()
    dialog.write({"email": "me@example.com", "notify_activity": "email"})
    dialog.action_save()
    assert (employee.email, employee.notify_message, employee.notify_activity) == ("me@example.com", "email", "email")


def test_a_batch_of_records_gets_its_followers_in_one_go(env):
    partners = env["basepartner"].create([{"name": f"Batch {n}"} for n in range(5)])
    followers = env["mail.followers"].search([("res_model", "=", "basepartner"), ("res_id", "in", partners.ids)])
    assert sorted(followers.mapped("res_id")) == sorted(partners.ids)
    assert set(followers.mapped("user_id").ids) == {env.uid}


def test_messages_are_signed_by_the_posting_users_partner(env, env_as, employee):
    partner = env_as("employee")["basepartner"].create({"name": "Epsilon", "email": "info@epsilon.example"})
    partner.message_post(body="Called them")
    partner.write({"email": "sales@epsilon.example"})
    stored = env["mail.message"].search([("model", "=", "basepartner"), ("res_id", "=", partner.id)])
    assert len(stored) == 2 and set(stored.mapped("author_id").ids) == {employee.partner_id.id}
    assert {m["author"] for m in partner.message_fetch()["messages"]} == {"Employee"}
    outside = env["basepartner"].create({"name": "Visitor"})
    partner.message_post(body="From outside", author_id=outside.id)
    assert partner.message_fetch()["messages"][0]["author"] == "Visitor"
