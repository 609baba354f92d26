"""With mail installed, partners have a chatter: changes of their name, contacts and types are tracked."""

from __future__ import annotations

from kernel import Model, fields


class Partner(Model):
    _inherit = ["basepartner", "mail.thread"]

    name = fields.Char(tracking=True)
    email = fields.Char(tracking=True)
    phone_number = fields.Char(tracking=True)
    mobile_number = fields.Char(tracking=True)
    partner_types = fields.Many2many("partner_type", tracking=True)
