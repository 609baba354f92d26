"""Telling followers about a new message, each by their preference: in the app (``mail.notification``) or
by email (a ``mail.mail`` in the outgoing queue). Partners who follow a record are told by email."""

from __future__ import annotations

from typing import Any

DEFAULT_FROM = "ERP <noreply@localhost>"


def sender_address(env: Any) -> str:
    """The ``[mail] email_from`` address of the configuration (``ERP_MAIL_EMAIL_FROM``)."""
    section = env.services.settings.section("mail")
    return str(section.get("email_from") or DEFAULT_FROM)


def notify_followers(record: Any, message: Any) -> None:
    """Notify every follower of ``record`` but the message's poster."""
    root = record.env(su=True)
    followers = root["mail.followers"].search([("res_model", "=", record._name), ("res_id", "=", record.id)])
    name = message.record_name or record._description
    title = record.env._("New message on %(record)s", record=name)
    emails: list[str] = []
    for follower in followers:
        user = follower.user_id
        if user:
            if user.id == record.env.uid:
                continue
            told = in_language(record.env, user)._("New message on %(record)s", record=name)
            notify_user(user, "message", told, record._name, record.id, message.id)
        elif follower.partner_id.email and follower.partner_id != message.author_id:
            emails.append(follower.partner_id.email)
    if emails:
        queue_mail(root, emails, message.subject or title, message.body or "", message.id)


def in_language(env: Any, user: Any) -> Any:
    """``env`` speaking ``user``'s language: what a user is told, they read in their own."""
    return env(context={**env.context, "lang": user.lang or env.lang})


def notify_user(user: Any, kind: str, title: str, model: str | bool, res_id: int | bool,
                message_id: int | bool = False) -> None:
    """One user's notification of ``kind`` (``message`` or ``activity``), in the app or by email."""
    root = user.env(su=True)
    channel = user.notify_activity if kind == "activity" else user.notify_message
    if channel == "email" and user.email:
        body = root["mail.message"].browse(message_id).body if message_id else title
        queue_mail(root, [user.email], title, body or title, message_id)
        return
    root["mail.notification"].create({"user_id": user.id, "kind": kind, "title": title, "res_model": model or False,
                                      "res_id": res_id or False, "message_id": message_id or False})


def queue_mail(root: Any, recipients: list[str], subject: str, body_html: str, message_id: int | bool = False) -> Any:
    """One outgoing mail per recipient (each sees only their own address)."""
    return root["mail.mail"].create([{
        "email_from": sender_address(root), "email_to": address, "subject": subject, "body_html": body_html,
        "mail_message_id": message_id or False,
    } for address in recipients])
