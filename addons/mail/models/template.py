"""``mail.template``: a subject and a body written by users, rendered against a record into an outgoing mail.

Fields are Jinja2 templates rendered in a sandbox (:mod:`.render`) with
``object`` (the record) and ``user`` (who sends). ``lang`` is rendered first
(``{{ object.lang }}``, ``{{ object.user_id.lang }}``): the subject, the body
and the record's own translated fields are then read in that language, so each
recipient gets the mail in theirs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kernel import Model, TransientModel, api, fields
from kernel.exceptions import ValidationError

from .notify import sender_address
from .render import compile_template, render

RENDERED_FIELDS = (("subject", False), ("email_from", False), ("email_to", False), ("body_html", True))


class MailTemplate(Model):
    _name = "mail.template"
    _description = "Email Template"
    _order = "name"

    name = fields.Char("Name", required=True, translate=True)
    model = fields.Char("Applies To", required=True, size=128, help="The model of the records it is sent about")
    subject = fields.Char("Subject", translate=True, help="A template: {{ object.name }}")
    email_from = fields.Char("From", help="Empty: the [mail] email_from address of the configuration")
    email_to = fields.Char("To", help="Addresses separated by commas, or a template: {{ object.email }}")
    lang = fields.Char("Language", help="The recipient's language, a template: {{ object.lang }}")
    body_html = fields.Html("Body", translate=True)
    attachment_ids = fields.Many2many("ir.attachment", "mail_template_attachment_rel", "template_id",
                                      "attachment_id", "Attachments", help="Sent with every mail of the template")

    @api.constrains("model", "subject", "email_from", "email_to", "lang", "body_html")
    def _check_template(self) -> None:
        for template in self:
            model = self.env.registry.models.get(template.model)
            if model is None or model._abstract:
                raise ValidationError(self.env._("Email template %(name)s: %(model)s is no model",
                                                 name=template.name, model=template.model), field="model")
            for name, html in RENDERED_FIELDS + (("lang", False),):
                compile_template(template[name], html, self._what(template, name))

    def _what(self, template: Any, name: str) -> str:
        return self.env._("Email template %(name)s, %(field)s", name=template.name, field=self._fields[name].string)

    def _records(self, res_ids: Iterable[int]) -> Any:
        """The records rendered against, read with the user's rights (a hidden one is refused)."""
        records = self.env[self.model].browse(list(res_ids))
        records.check_access_rights("read")
        if len(records.exists()) != len(records):
            raise ValidationError(self.env._("Email template %(name)s: records %(ids)s do not exist or you may "
                                             "not see them", name=self.name, ids=records.ids))
        return records

    def render(self, res_ids: Iterable[int]) -> dict[int, dict[str, str]]:
        """Subject, sender, recipients and body for each record, each in its recipient's language."""
        self.ensure_one()
        records = self._records(res_ids)
        compiled: dict[tuple[str, str], Any] = {}
        lang_template = compile_template(self.lang, False, self._what(self, "lang"))
        results: dict[int, dict[str, str]] = {}
        for record in records:
            values = {"object": record, "user": self.env.user}
            lang = render(lang_template, values, self._what(self, "lang")).strip() if self.lang else ""
            lang = lang or self.env.lang or "en_US"
            template = self.with_context(lang=lang)
            localised = {"object": record.with_context(lang=lang), "user": self.env.user}
            result = {"lang": lang}
            for name, html in RENDERED_FIELDS:
                key = (name, lang)
                if key not in compiled:
                    compiled[key] = compile_template(template[name], html, self._what(self, name))
                result[name] = render(compiled[key], localised, self._what(self, name)).strip()
            result["email_from"] = result["email_from"] or sender_address(self.env)
            results[record.id] = result
        return results

    def preview(self, res_id: int) -> dict[str, str]:
        """What the mail about one record would be, without sending anything."""
        return self.render([res_id])[res_id]

    def action_preview(self) -> dict[str, Any]:
        """The preview dialog on this template (the client passes it as the active record)."""
        return self.env.ref("mail.action_mail_template_preview").read_action()

    def send_mail(self, res_ids: int | Iterable[int]) -> list[int]:
        """Queue one mail per record (``mail.mail``, sent by the queue's job); returns their ids."""
        ids = [res_ids] if isinstance(res_ids, int) else list(res_ids)
        rendered = self.render(ids)
        missing = [res_id for res_id in ids if not rendered[res_id]["email_to"]]
        if missing:
            raise ValidationError(self.env._("Email template %(name)s: no recipient for records %(ids)s",
                                             name=self.name, ids=missing), field="email_to")
        mails = self.env(su=True)["mail.mail"].create([{
            "email_from": rendered[res_id]["email_from"], "email_to": rendered[res_id]["email_to"],
            "subject": rendered[res_id]["subject"], "body_html": rendered[res_id]["body_html"],
            "res_model": self.model, "res_id": res_id, "attachment_ids": [(6, 0, self.sudo().attachment_ids.ids)],
        } for res_id in ids])
        return mails.ids


class TemplatePreview(TransientModel):
    """The template's preview dialog: pick a record, see the mail it would get (nothing is sent)."""

    _name = "mail.template.preview"
    _description = "Email Template Preview"

    template_id = fields.Many2one("mail.template", "Template", required=True, ondelete="cascade",
                                  default=lambda model: model._default_template())
    res_id = fields.Integer("Record ID", help="The id of the record of the template's model to render against")
    subject = fields.Char("Subject", readonly=True)
    email_to = fields.Char("To", readonly=True)
    lang = fields.Char("Language", readonly=True)
    body_html = fields.Html("Body", readonly=True)

    @api.model
    def _default_template(self) -> int | bool:
        if self.env.context.get("active_model") == "mail.template":
            return int(self.env.context.get("active_id") or 0) or False
        return False

    def action_render(self) -> dict[str, Any]:
        """Render the template against the record and show the result in the same dialog."""
        self.ensure_one()
        if not self.res_id:
            raise ValidationError(self.env._("Give the id of a %(model)s record to preview the template with",
                                             model=self.template_id.model), field="res_id")
        rendered = self.template_id.preview(self.res_id)
        self.write({key: rendered[key] for key in ("subject", "email_to", "lang", "body_html")})
        action = self.env.ref("mail.action_mail_template_preview").read_action()
        return {**action, "res_id": self.id}
