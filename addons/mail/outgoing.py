"""Sending the outgoing queue through SMTP: the job behind ``mail.mail``.

Each mail is first *claimed*: one ``UPDATE ... WHERE state = 'outgoing' AND
(claimed_until IS NULL OR claimed_until < now)`` committed on its own, which
only one sender can win (PostgreSQL re-checks the condition after the row
lock, SQLite runs writers one at a time). So two workers running the queue at
once send each mail once. A sender that dies after claiming leaves the claim
to expire (``CLAIM_SECONDS``), then the mail is taken again: the SMTP server
might then get it twice, if the sender died between the server's acceptance
and the commit of ``sent`` (delivery is at least once, never zero).

Refusals are sorted into two kinds: a permanent refusal (a 5xx answer, an
address that is no address) ends in ``exception`` with the server's reason; a
server that cannot be reached, a timeout or a 4xx answer keeps the mail
``outgoing`` with a later ``next_try``.
"""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid
from typing import Any

import sqlalchemy as sa

from kernel.config import Settings
from kernel.db import utcnow, writing

from .models.mail_mail import retry_delay
from .models.sanitize import html_to_text

CLAIM_SECONDS = 600


@dataclass(frozen=True)
class SmtpSettings:
    """The ``[mail]`` section: ``smtp_host``, ``smtp_port``, ``smtp_user``, ``smtp_password``, ``smtp_tls``."""

    host: str = "127.0.0.1"
    port: int = 25
    user: str = ""
    password: str = ""
    tls: bool = False
    timeout: float = 30.0

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpSettings:
        section = settings.section("mail")
        return cls(host=str(section.get("smtp_host") or cls.host), port=int(section.get("smtp_port") or cls.port),
                   user=str(section.get("smtp_user") or ""), password=str(section.get("smtp_password") or ""),
                   tls=bool(section.get("smtp_tls", False)), timeout=float(section.get("smtp_timeout") or 30.0))


class PermanentFailure(Exception):
    """The server (or the address itself) refused the mail for good."""


@dataclass
class QueueRun:
    """What one run of the queue did."""

    sent: int = 0
    failed: int = 0
    deferred: int = 0


def send_queued(kernel: Any, limit: int = 100, now: datetime | None = None,
                smtp: SmtpSettings | None = None) -> QueueRun:
    """Send up to ``limit`` due mails of ``kernel``'s database; ``now`` is the time next tries are compared to."""
    smtp = smtp or SmtpSettings.from_settings(kernel.settings)
    now = now or utcnow()
    run = QueueRun()
    with kernel.env() as env:
        due = env["mail.mail"].due_ids(limit, now)
    connection: smtplib.SMTP | None = None
    try:
        for mail_id in due:
            if not _claim(kernel, mail_id, now):
                continue
            try:
                with kernel.env() as env:
                    message = build_message(env["mail.mail"].browse(mail_id))
                connection = connection or connect(smtp)
                deliver(connection, message)
            except PermanentFailure as exc:
                _finish(kernel, mail_id, {"state": "exception", "failure_reason": str(exc)})
                run.failed += 1
            except (OSError, smtplib.SMTPException) as exc:
                _defer(kernel, mail_id, describe(exc), now)
                run.deferred += 1
                connection = _close(connection)
            else:
                _finish(kernel, mail_id, {"state": "sent", "sent_date": utcnow(), "failure_reason": None,
                                          "message_id": message["Message-Id"]})
                run.sent += 1
    finally:
        _close(connection)
    return run


@contextlib.contextmanager
def _writer(kernel: Any) -> Iterator[Any]:
    """A committed transaction that writes (on SQLite it queues for the write lock from its start)."""
    with writing(), kernel.env() as env:
        yield env


def _claim(kernel: Any, mail_id: int, now: datetime) -> bool:
    """Take the mail for this sender, in a transaction of its own; False when another sender has it."""
    with _writer(kernel) as env:
        table = env["mail.mail"]._sql
        result = env.execute(table.update().where(
            table.c.id == mail_id, table.c.state == "outgoing",
            sa.or_(table.c.claimed_until.is_(None), table.c.claimed_until < now),
        ).values(claimed_until=now + timedelta(seconds=CLAIM_SECONDS)))
        return bool(result.rowcount == 1)


def _finish(kernel: Any, mail_id: int, values: dict[str, Any]) -> None:
    with _writer(kernel) as env:
        table = env["mail.mail"]._sql
        env.execute(table.update().where(table.c.id == mail_id).values(
            claimed_until=None, attempts=sa.func.coalesce(table.c.attempts, 0) + 1, **values))


def _defer(kernel: Any, mail_id: int, reason: str, now: datetime) -> None:
    """Keep the mail queued, its next try later the more attempts failed."""
    with _writer(kernel) as env:
        table = env["mail.mail"]._sql
        attempts = env.execute(sa.select(table.c.attempts).where(table.c.id == mail_id)).scalar_one() or 0
        env.execute(table.update().where(table.c.id == mail_id).values(
            claimed_until=None, attempts=attempts + 1, failure_reason=reason,
            next_try=now + retry_delay(attempts + 1)))


def connect(smtp: SmtpSettings) -> smtplib.SMTP:
    """An open, authenticated SMTP connection (STARTTLS first when ``smtp_tls``)."""
    connection = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
    try:
        if smtp.tls:
            connection.starttls(context=ssl.create_default_context())
        if smtp.user:
            connection.login(smtp.user, smtp.password)
    except BaseException:
        _close(connection)
        raise
    return connection


def deliver(connection: smtplib.SMTP, message: EmailMessage) -> None:
    """Hand one message to the server; a 5xx answer is a :class:`PermanentFailure`."""
    try:
        refused = connection.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        if all(code >= 500 for code in codes):
            raise PermanentFailure(describe(exc)) from None
        raise
    except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
        if exc.smtp_code >= 500:
            raise PermanentFailure(describe(exc)) from None
        raise
    if refused:
        raise PermanentFailure("; ".join(f"{address}: {code} {text.decode(errors='replace')}"
                                         for address, (code, text) in refused.items()))


def build_message(mail: Any) -> EmailMessage:
    """The MIME message of a queued mail: a text part and the HTML body."""
    recipients = [address for _, address in getaddresses([mail.email_to or ""]) if address]
    invalid = [address for address in recipients if "@" not in address.strip("@")]
    if invalid or not recipients:
        raise PermanentFailure(f"not an email address: {', '.join(invalid) or mail.email_to!r}")
    message = EmailMessage()
    message["From"] = mail.email_from
    message["To"] = ", ".join(recipients)
    message["Subject"] = mail.subject or ""
    message["Date"] = formatdate(localtime=False)
    message["Message-Id"] = mail.message_id or make_msgid(domain=(mail.email_from or "").rpartition("@")[2]
                                                          .strip(">") or None)
    message.set_content(html_to_text(mail.body_html) or "")
    if mail.body_html:
        message.add_alternative(mail.body_html, subtype="html")
    for attachment in mail.attachment_ids:
        maintype, _, subtype = (attachment.mimetype or "application/octet-stream").partition("/")
        message.add_attachment(attachment.raw or b"", maintype=maintype, subtype=subtype, filename=attachment.name)
    return message


def describe(exc: BaseException) -> str:
    """A failure reason a user can read."""
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {exc.smtp_error.decode(errors='replace') if isinstance(exc.smtp_error, bytes) else exc.smtp_error}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{address}: {code} {text.decode(errors='replace')}"
                         for address, (code, text) in exc.recipients.items())
    return f"{type(exc).__name__}: {exc}"


def _close(connection: smtplib.SMTP | None) -> None:
    if connection is not None:
        try:
            connection.quit()
        except (OSError, smtplib.SMTPException):
            connection.close()
    return None
