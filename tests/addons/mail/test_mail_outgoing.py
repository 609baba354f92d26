"""The outgoing queue against a real SMTP server (aiosmtpd) on loopback, started by the tests."""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes, policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from kernel.config import load_settings
from kernel.db import utcnow, writing
from kernel.exceptions import KernelError, UserError, ValidationError
from kernel.testing import free_port
from kernel.testing.workers import jobs_config, kernel_for, running_worker, wait_for


def outgoing(kernel: Any) -> Any:
    """The mail addon's sender, importable once a kernel has loaded the addon (``kernel.addons.mail``)."""
    kernel.registry  # noqa: B018 - loads the installed addons
    return importlib.import_module("kernel.addons.mail.outgoing")


def send_queued(kernel: Any, **options: Any) -> Any:
    return outgoing(kernel).send_queued(kernel, **options)


class Inbox:
    """An aiosmtpd handler keeping what it receives; addresses starting with ``reject`` get a 550."""

    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address.startswith("reject"):
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"

    def subjects(self) -> list[str]:
        return sorted(str(message["Subject"]) for message in self.messages)


class SmtpServer:
    """aiosmtpd on a fixed loopback port, which the tests stop and start again."""

    def __init__(self) -> None:
        self.port = free_port()
        self.inbox = Inbox()
        self.controller: Controller | None = None
        self.settings_class: Any = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def settings(self) -> Any:
        return self.settings_class(host="127.0.0.1", port=self.port, timeout=5)


@pytest.fixture
def smtp(erp_kernel: Any) -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.settings_class = outgoing(erp_kernel).SmtpSettings
    server.start()
    yield server
    server.stop()


@pytest.fixture
def queue(erp_kernel: Any) -> Iterator[Any]:
    """Queue committed mails (the sender works in its own transactions); the queue is emptied after the test."""

    def add(*subjects: str, to: str = "someone@example.com") -> list[int]:
        with erp_kernel.env() as env:
            return env["mail.mail"].create([{"email_from": "erp@example.com", "email_to": to, "subject": subject,
                                             "body_html": f"<p>{subject}</p>"} for subject in subjects]).ids

    yield add
    with erp_kernel.env() as env:
        env["mail.mail"].search([]).unlink()


def states(kernel: Any, ids: list[int]) -> list[str]:
    with kernel.env() as env:
        return env["mail.mail"].browse(ids).mapped("state")


def test_a_queued_mail_is_received_by_the_smtp_server(erp_kernel, smtp, queue):
    [mail_id] = queue("Hello")
    run = send_queued(erp_kernel, smtp=smtp.settings)
    assert (run.sent, run.failed, run.deferred) == (1, 0, 0)
    [received] = smtp.inbox.messages
    assert received["Subject"] == "Hello" and received["To"] == "someone@example.com"
    assert "<p>Hello</p>" in received.get_body(("html",)).get_content()
    with erp_kernel.env() as env:
        mail = env["mail.mail"].browse(mail_id)
        assert (mail.state, mail.attempts, mail.sent_date is not False) == ("sent", 1, True)
    assert send_queued(erp_kernel, smtp=smtp.settings).sent == 0     # sent once


def test_a_mail_goes_out_with_its_attachments(erp_kernel, smtp, queue):
    [mail_id] = queue("With a file")
    with erp_kernel.env() as env:
        attachment = env["ir.attachment"].create({"name": "terms.txt", "raw": b"the terms"})
        env["mail.mail"].browse(mail_id).attachment_ids = [(6, 0, [attachment.id])]
    assert send_queued(erp_kernel, smtp=smtp.settings).sent == 1
    [received] = smtp.inbox.messages
    [part] = list(received.iter_attachments())
    assert (part.get_filename(), part.get_content()) == ("terms.txt", "the terms")


def test_with_the_server_down_mails_stay_queued_then_go_when_it_returns(erp_kernel, smtp, queue):
    smtp.stop()
    ids = queue("First", "Second")
    run = send_queued(erp_kernel, smtp=smtp.settings)
    assert (run.sent, run.deferred) == (0, 2)
    with erp_kernel.env() as env:
        mails = env["mail.mail"].browse(ids)
        assert mails.mapped("state") == ["outgoing", "outgoing"]
        assert all("ConnectionRefusedError" in reason for reason in mails.mapped("failure_reason"))
        next_try = max(mails.mapped("next_try"))
        assert next_try > utcnow()
    smtp.start()
    assert send_queued(erp_kernel, smtp=smtp.settings).sent == 0      # not before its next try (backoff)
    assert send_queued(erp_kernel, smtp=smtp.settings, now=next_try + timedelta(seconds=1)).sent == 2
    assert smtp.inbox.subjects() == ["First", "Second"]
    assert states(erp_kernel, ids) == ["sent", "sent"]


def test_a_permanent_refusal_ends_in_exception_with_the_servers_reason(erp_kernel, smtp, queue):
    [refused] = queue("Nobody there", to="reject@example.com")
    [bad] = queue("No address", to="not an address")
    [good] = queue("Fine")
    run = send_queued(erp_kernel, smtp=smtp.settings)
    assert (run.sent, run.failed) == (1, 2)
    with erp_kernel.env() as env:
        assert "550 5.1.1 mailbox unavailable" in env["mail.mail"].browse(refused).failure_reason
        assert "not an email address" in env["mail.mail"].browse(bad).failure_reason
        assert env["mail.mail"].browse([refused, bad, good]).mapped("state") == ["exception", "exception", "sent"]
        env["mail.mail"].browse(refused).action_retry()
        with pytest.raises(UserError, match="cannot be sent again"):
            env["mail.mail"].browse(good).action_retry()
    assert states(erp_kernel, [refused]) == ["outgoing"]


def test_two_senders_at_once_send_each_mail_once(erp_kernel, smtp, queue):
    ids = queue(*(f"Mail {n:02}" for n in range(20)))
    runs: list[Any] = []
    errors: list[BaseException] = []

    def sender() -> None:
        try:
            runs.append(send_queued(erp_kernel, smtp=smtp.settings))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    assert sum(run.sent for run in runs) == 20
    assert smtp.inbox.subjects() == [f"Mail {n:02}" for n in range(20)]
    assert set(states(erp_kernel, ids)) == {"sent"}


def test_a_job_sends_the_due_mails_in_its_own_transaction(erp_kernel, smtp, queue):
    ids = queue("Job One", "Job Two")
    with writing(), erp_kernel.env() as env:
        run = outgoing(erp_kernel).send_due(env, smtp=smtp.settings)
    assert (run.sent, run.failed, run.deferred) == (2, 0, 0)
    assert smtp.inbox.subjects() == ["Job One", "Job Two"] and states(erp_kernel, ids) == ["sent", "sent"]


def test_a_real_worker_sends_a_mail_queued_by_a_commit(erp_kernel, smtp, tmp_path):
    config = jobs_config(tmp_path / "erp.toml", erp_kernel, {})
    config.write_text(config.read_text() + f'\n[mail]\nsmtp_host = "127.0.0.1"\nsmtp_port = {smtp.port}\n')
    kernel = kernel_for(config)                                  # queues on the worker's broker
    try:
        with running_worker(config):
            with writing(), kernel.env() as env:
                mail_id = env["mail.mail"].create({"email_from": "erp@example.com", "email_to": "w@example.com",
                                                   "subject": "Through a worker"}).id
            wait_for(lambda: states(kernel, [mail_id]) == ["sent"], what="the worker sending the mail")
    finally:
        kernel.close()
    assert smtp.inbox.subjects() == ["Through a worker"]
    with erp_kernel.env() as env:
        [job] = env["ir.job"].search([("name", "=", "mail.send_queue")], order="id desc", limit=1)
        assert (job.state, job.result) == ("done", "1 sent, 0 deferred, 0 failed")


def test_a_mail_without_recipient_is_refused(env):
    with pytest.raises(ValidationError, match="it has no recipient"):
        env["mail.mail"].create({"email_from": "erp@example.com", "email_to": " , ", "subject": "Lost"})


def test_the_mail_section_and_its_environment_overrides(erp_kernel, tmp_path):
    SmtpSettings = outgoing(erp_kernel).SmtpSettings
    config = tmp_path / "erp.toml"
    config.write_text('[mail]\nsmtp_host = "smtp.example.com"\nsmtp_port = 587\nsmtp_tls = true\n'
                      'smtp_user = "erp"\nsmtp_password = "secret"\nemail_from = "ERP <erp@example.com>"\n')
    settings = SmtpSettings.from_settings(load_settings(config, environ={}))
    assert (settings.host, settings.port, settings.tls, settings.user, settings.password) == (
        "smtp.example.com", 587, True, "erp", "secret")
    overridden = load_settings(config, environ={"ERP_MAIL_SMTP_HOST": "10.0.0.5", "ERP_MAIL_SMTP_PORT": "2525"})
    assert (SmtpSettings.from_settings(overridden).host, SmtpSettings.from_settings(overridden).port) == (
        "10.0.0.5", 2525)
    for key, value, message in (("PORT", "smtp", "smtp_port must be a port number"),
                                ("PORT", "70000", "smtp_port must be a port number"),
                                ("TLS", "maybe", "smtp_tls must be true or false")):
        with pytest.raises(KernelError, match=message):
            SmtpSettings.from_settings(load_settings(config, environ={f"ERP_MAIL_SMTP_{key}": value}))
