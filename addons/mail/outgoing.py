"""Sending the outgoing queue through SMTP: the job behind ``mail.mail``.

Each mail is claimed, sent and marked in one transaction: the claim is an
``UPDATE ... WHERE state = 'outgoing' AND next_try has come``; a concurrent
sender's update waits for that transaction (PostgreSQL's row lock, SQLite's
write lock), then finds the mail no longer due and skips it, so two workers
running the queue at once send each mail once. A sender that dies mid-way
commits nothing and the mail stays queued; if it died between the server's
acceptance and its commit, the mail goes out again (delivery is at least
once, never zero).

Refusals are sorted into two kinds: a permanent refusal (a 5xx answer, an
address that is no address) ends in ``exception`` with the server's reason; a
server that cannot be reached, a timeout or a 4xx answer keeps the mail
``outgoing`` with a later ``next_try``.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid
from typing import Any

import sqlalchemy as sa

from kernel.config import Settings
from kernel.db import utcnow, writing
from kernel.exceptions import KernelError

from .models.mail_mail import retry_delay
from .models.sanitize import html_to_text



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
        """The ``[mail]`` section; a port, timeout or TLS flag of the wrong kind is refused by name."""
        section = settings.section("mail")
        port, timeout, tls = section.get("smtp_port", cls.port), section.get("smtp_timeout", cls.timeout), \
            section.get("smtp_tls", False)
        if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
            raise KernelError(f"[mail] smtp_port must be a port number (1-65535), got {port!r}")
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
            raise KernelError(f"[mail] smtp_timeout must be a number of seconds, got {timeout!r}")
        if not isinstance(tls, bool):
            raise KernelError(f"[mail] smtp_tls must be true or false, got {tls!r}")
        return cls(host=str(section.get("smtp_host") or cls.host), port=port,
                   user=str(section.get("smtp_user") or ""), password=str(section.get("smtp_password") or ""),
                   tls=tls, timeout=float(timeout))


class PermanentFailure(Exception):
    """The server (or the address itself) refused the mail for good."""


@dataclass
class QueueRun:
    """What one run of the queue did."""

    sent: int = 0
    failed: int = 0
    deferred: int = 0


class Sender:
    """One SMTP connection for a run, opened at the first mail and dropped after a failure."""

    def __init__(self, smtp: SmtpSettings):
        self.smtp = smtp
        self.connection: smtplib.SMTP | None = None

    def __enter__(self) -> Sender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.reset()

    def send(self, message: EmailMessage) -> None:
        self.connection = self.connection or connect(self.smtp)
        deliver(self.connection, message)

    def reset(self) -> None:
        self.connection = _close(self.connection)


def send_due(env: Any, limit: int = 100, now: datetime | None = None, smtp: SmtpSettings | None = None) -> QueueRun:
    """Send up to ``limit`` due mails in ``env``'s transaction (the ``mail.send_queue`` job's)."""
    now = now or utcnow()
    run = QueueRun()
    with Sender(smtp or SmtpSettings.from_settings(env.services.settings)) as sender:
        for mail_id in env["mail.mail"].due_ids(limit, now):
            send_one(env, mail_id, sender, now, run)
    return run


def send_queued(kernel: Any, limit: int = 100, now: datetime | None = None,
                smtp: SmtpSettings | None = None) -> QueueRun:
    """Send up to ``limit`` due mails of ``kernel``'s database, each in a transaction of its own (committed
    as it goes); ``now`` is the time next tries are compared to."""
    now = now or utcnow()
    run = QueueRun()
    with kernel.env() as env:
        due = env["mail.mail"].due_ids(limit, now)
    with Sender(smtp or SmtpSettings.from_settings(kernel.settings)) as sender:
        for mail_id in due:
            with writing(), kernel.env() as env:
                send_one(env, mail_id, sender, now, run)
    return run


def send_one(env: Any, mail_id: int, sender: Sender, now: datetime, run: QueueRun) -> None:
    """Claim the mail, hand it to the server and record the outcome, all in ``env``'s transaction.

    The claim is an ``UPDATE`` of a still outgoing, due mail: a concurrent sender's transaction waits for
    ours on the row (PostgreSQL) or the database (SQLite), then finds it no longer due and skips it."""
    table = env["mail.mail"]._sql
    claimed = env.execute(table.update().where(
        table.c.id == mail_id, table.c.state == "outgoing",
        sa.or_(table.c.next_try.is_(None), table.c.next_try <= now),
    ).values(attempts=sa.func.coalesce(table.c.attempts, 0) + 1))
    if claimed.rowcount != 1:
        return
    env.transaction.invalidate()
    outcome: dict[str, Any]
    try:
        message = build_message(env["mail.mail"].browse(mail_id))
        sender.send(message)
    except PermanentFailure as exc:
        outcome = {"state": "exception", "failure_reason": str(exc)}
        run.failed += 1
    except (OSError, smtplib.SMTPException) as exc:
        attempts = env.execute(sa.select(table.c.attempts).where(table.c.id == mail_id)).scalar_one()
        outcome = {"failure_reason": describe(exc), "next_try": now + retry_delay(attempts)}
        run.deferred += 1
        sender.reset()
    else:
        outcome = {"state": "sent", "sent_date": utcnow(), "failure_reason": None, "message_id": message["Message-Id"]}
        run.sent += 1
    env.execute(table.update().where(table.c.id == mail_id).values(**outcome))
    env.transaction.invalidate()


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
