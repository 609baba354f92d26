"""mail.template: sandboxed rendering against records, in the recipient's language, into queued mails."""

from __future__ import annotations

from typing import Any

import pytest

from kernel.exceptions import ValidationError


@pytest.fixture
def template(env: Any) -> Any:
    record = env["mail.template"].create({
        "name": "Welcome", "model": "basepartner", "subject": "Welcome, {{ object.name }}",
        "email_to": "{{ object.email }}",
        "lang": "{{ 'id' if object.city == 'Bandung' else 'en_US' }}",
        "body_html": "<p>Dear {{ object.name }}, from {{ user.name }}</p>",
    })
    record.with_context(lang="id").write({"subject": "Selamat datang, {{ object.name }}"})
    return record


def test_a_template_renders_against_the_record_and_queues_a_mail(env, template):
    partner = env["basepartner"].create({"name": "Ana <b>", "email": "ana@example.com"})
    preview = template.preview(partner.id)
    assert preview["subject"] == "Welcome, Ana <b>"
    assert preview["body_html"] == "<p>Dear Ana &lt;b&gt;, from System</p>"      # values are escaped
    assert preview["email_to"] == "ana@example.com" and "@" in preview["email_from"]
    assert env["mail.mail"].search_count([]) == 0                                       # a preview sends nothing
    [mail_id] = template.send_mail(partner.id)
    mail = env["mail.mail"].browse(mail_id)
    assert (mail.subject, mail.email_to, mail.state, mail.res_id) == ("Welcome, Ana <b>", "ana@example.com",
                                                                      "outgoing", partner.id)


def test_each_recipient_gets_it_in_their_language(env, template):
    local = env["basepartner"].create({"name": "Budi", "email": "budi@example.com", "city": "Bandung"})
    abroad = env["basepartner"].create({"name": "Carl", "email": "carl@example.com", "city": "Berlin"})
    rendered = template.render([local.id, abroad.id])
    assert (rendered[local.id]["lang"], rendered[local.id]["subject"]) == ("id", "Selamat datang, Budi")
    assert (rendered[abroad.id]["lang"], rendered[abroad.id]["subject"]) == ("en_US", "Welcome, Carl")


@pytest.mark.parametrize("source, refused", [
    ("{{ ''.__class__.__mro__ }}", "__class__"),
    ("{{ object.__class__ }}", "__class__"),
    ("{{ ().__class__.__base__.__subclasses__() }}", "__class__"),
    ("{{ object.env }}", "env"),
    ("{{ object.sudo().name }}", "sudo"),
    ("{{ object.write({'name': 'pwned'}) }}", "write"),
    ("{{ user.env['res.users'] }}", "env"),
    ("{{ object.name.__len__() }}", "__len__"),
    ("{% set x = [] %}{{ x.append(1) }}", "append"),
])
def test_sandbox_escapes_fail_with_a_clear_error_and_change_nothing(env, template, source, refused):
    partner = env["basepartner"].create({"name": "Target", "email": "target@example.com"})
    template.body_html = source
    with pytest.raises(ValidationError, match=rf"Email template Welcome, Body: not allowed in a template: .*{refused}"):
        template.preview(partner.id)
    assert partner.name == "Target"


def test_a_template_that_does_not_compile_or_names_no_model_is_refused(env):
    with pytest.raises(ValidationError, match=r"Email template Broken, Subject: line 1: "):
        env["mail.template"].create({"name": "Broken", "model": "basepartner", "subject": "{{ object.name "})
    with pytest.raises(ValidationError, match="nothing.here is no model"):
        env["mail.template"].create({"name": "Nowhere", "model": "nothing.here", "subject": "x"})


def test_an_unknown_field_or_missing_recipient_is_a_clear_error(env, template):
    partner = env["basepartner"].create({"name": "No Mail"})
    template.subject = "{{ object.nickname }}"
    with pytest.raises(ValidationError, match=r"Email template Welcome, Subject: .*nickname"):
        template.preview(partner.id)
    template.subject = "Hello"
    with pytest.raises(ValidationError, match="no recipient for records"):
        template.send_mail(partner.id)
    assert env["mail.mail"].search_count([]) == 0


def test_the_templates_attachments_go_with_each_mail(env, template):
    brochure = env["ir.attachment"].create({"name": "brochure.txt", "raw": b"our offer"})
    template.attachment_ids = [(6, 0, [brochure.id])]
    partner = env["basepartner"].create({"name": "Iota", "email": "iota@example.com"})
    [mail_id] = template.send_mail(partner.id)
    assert env["mail.mail"].browse(mail_id).attachment_ids == brochure


def test_the_preview_dialog_renders_against_a_chosen_record(env, template):
    partner = env["basepartner"].create({"name": "Lambda", "email": "lambda@example.com"})
    dialog = env["mail.template.preview"].with_context(active_model="mail.template",
                                                       active_id=template.id).create({})
    assert dialog.template_id == template
    with pytest.raises(ValidationError, match="Give the id of a basepartner record"):
        dialog.action_render()
    dialog.res_id = partner.id
    action = dialog.action_render()
    assert (action["res_id"], action["target"]) == (dialog.id, "new")
    assert (dialog.subject, dialog.email_to) == ("Welcome, Lambda", "lambda@example.com")
    assert env["mail.mail"].search_count([]) == 0
