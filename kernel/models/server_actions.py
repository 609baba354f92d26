"""Server actions (``ir.actions.server``): a method of a model run on the selected records, one by one.

An addon declares them in data; one bound to its model (``binding_model_id``)
is in the Action menu of that model's list (the selected records) and form::

    <record id="action_confirm_quotations" model="ir.actions.server">
        <field name="name">Confirm</field>
        <field name="model_id" ref="master_sale.model_sale_order"/>
        <field name="binding_model_id" ref="master_sale.model_sale_order"/>
        <field name="method">action_confirm</field>
    </record>

The action calls ``method`` (a public method of the model, never code from
data) on each record in its own savepoint, and reports per record what
happened: ``done``, or ``failed`` with the refusal's message (the other
records go on). More records than ``[actions] job_threshold`` run as the job
``base.run_server_action``, which reports its progress.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from ..exceptions import UserError, ValidationError
from ..orm import api, fields
from ..orm.models import Model

log = logging.getLogger(__name__)

DEFAULT_JOB_THRESHOLD = 200
JOB_NAME = "base.run_server_action"


class IrActionsServer(Model):
    """A model's method run record by record on a selection, each outcome reported."""

    _name = "ir.actions.server"
    _description = "Server Action"
    _order = "sequence, name"

    name = fields.Char("Action Name", required=True, translate=True)
    sequence = fields.Integer("Sequence", default=10)
    model_id = fields.Many2one("ir.model", "Model", required=True, ondelete="cascade")
    binding_model_id = fields.Many2one("ir.model", "Shown in the Action Menu of", ondelete="cascade",
                                       help="Empty: the action is run from code only")
    method = fields.Char("Method", required=True, help="A public method of the model, called on each record")
    active = fields.Boolean("Active", default=True)

    @api.constrains("model_id", "method")
    def _check_method(self) -> None:
        """Refuse an action whose method the model does not have, or a private one."""
        for action in self:
            model = self.env.registry.models.get(action.model_id.model)
            method = action.method or ""
            if model is None or method.startswith("_") or not callable(getattr(model, method, None)):
                raise ValidationError(f"server action {action.name!r}: {action.model_id.model} has no public method "
                                      f"{method!r}", field="method")

    @api.model
    def bound_to(self, model: str) -> Any:
        """The actions in the Action menu of ``model``."""
        return self.sudo().search([("binding_model_id.model", "=", model)])

    def job_threshold(self) -> int:
        """How many records run at once; more run as a background job (``[actions] job_threshold``)."""
        value = self.env.services.settings.section("actions").get("job_threshold", DEFAULT_JOB_THRESHOLD)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValidationError(f"[actions] job_threshold must be a positive integer, got {value!r}")
        return value

    def run(self, res_ids: Sequence[int]) -> list[dict[str, Any]]:
        """Call the method on each record as the caller; returns per record ``{"id", "name", "status",
        "message"}`` (``done`` or ``failed``), a failure undoing that record's changes only."""
        self.ensure_one()
        action = self.sudo()
        model = self.env[action.model_id.model]
        records = model.browse(list(res_ids))
        if not records:
            raise UserError(self.env._("Select at least one record"), code="SELECTION_EMPTY")
        names = records._display_names()
        results = []
        for index, record in enumerate(records, 1):
            nested = self.env.connection.begin_nested()
            try:
                getattr(record, action.method)()
            except UserError as exc:
                nested.rollback()
                self.env.transaction.invalidate()
                results.append({"id": record.id, "name": names.get(record.id, str(record.id)), "status": "failed",
                                "message": str(exc)})
            else:
                nested.commit()
                results.append({"id": record.id, "name": names.get(record.id, str(record.id)), "status": "done",
                                "message": ""})
            self.env.progress(100 * index / len(records), self.env._("%(done)s of %(total)s", done=index,
                                                                     total=len(records)))
        return results

    def run_or_queue(self, res_ids: Sequence[int]) -> dict[str, Any]:
        """``{"results": [...]}`` when run now, ``{"job": ir.job}`` when the selection is large."""
        self.ensure_one()
        ids = list(res_ids)
        if len(ids) > self.job_threshold():
            self.check_access_rights("read")
            return {"job": self.env.enqueue(JOB_NAME, self.id, ids)}
        return {"results": self.run(ids)}
