"""``ir.attachment``: files hanging on records, their access following the record's.

Reading an attachment needs read access to the record it hangs on
(``res_model``/``res_id``); creating, changing or deleting one needs write
access to it.  An attachment on no record is its creator's (and the
administrators').  The kernel's security applies this through the model's
``_access_where`` (see :func:`kernel.security.rules.own_restriction`), so
searches, reads, counts and groupings all see the same attachments.

Contents come in as ``raw`` (bytes) or ``datas`` (base64); the MIME type,
size and SHA-256 checksum are computed from them, never taken from the client,
and the content goes to the filestore or the database
(:mod:`kernel.models.filestore`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from ..exceptions import MissingError, ValidationError
from ..orm import api, fields
from ..orm.models import Model
from ..security.access import has_access, in_groups
from ..security.rules import check_records, rule_where
from .filestore import AttachmentSettings, FileStore, checksum_of, database_folder, sniff

CONTENT_KEYS = ("raw", "datas")
COMPUTED = ("mimetype", "file_size", "checksum", "store_fname", "db_datas")
TOO_LARGE_STATUS = 413


class IrAttachment(Model):
    _name = "ir.attachment"
    _description = "Attachment"
    _order = "id desc"

    name = fields.Char("Name", required=True)
    description = fields.Text("Description")
    res_model = fields.Char("Resource Model", index=True, help="The model of the record the file hangs on")
    res_id = fields.Integer("Resource ID", index=True, help="The id of the record the file hangs on")
    mimetype = fields.Char("MIME Type", readonly=True)
    file_size = fields.Integer("File Size", readonly=True)
    checksum = fields.Char("Checksum (SHA-256)", size=64, index=True, readonly=True)
    store_fname = fields.Char("Stored Filename", readonly=True)
    db_datas = fields.Binary("Database Data", readonly=True)
    raw = fields.Binary("Content", compute="_compute_content")
    datas = fields.Binary("File Content", compute="_compute_content")

    # -- access ----------------------------------------------------------------------------------

    def _access_where(self, table: sa.FromClause, operation: str) -> sa.ColumnElement[bool]:
        """The attachments the user may ``operation``: those on records they may read (for ``read``) or
        write (for the other operations), and their own ones on no record."""
        env = self.env
        if in_groups(env, "base.group_system"):
            return sa.true()
        wanted = "read" if operation == "read" else "write"
        clauses = [sa.and_(sa.or_(table.c.res_model.is_(None), table.c.res_id.is_(None)),
                           table.c.create_uid == env.uid)]
        mine = env.registry[self._name]._sql
        models = env.execute(sa.select(mine.c.res_model).where(mine.c.res_model.is_not(None)).distinct()).scalars()
        for name in sorted(models):
            if name == self._name or name not in env.registry:
                continue
            target = env[name]
            if not has_access(target, wanted):
                continue
            target_table = target._sql.alias()
            ids = sa.select(target_table.c.id)
            restriction = rule_where(target, target_table, wanted)
            if restriction is not None:
                ids = ids.where(restriction)
            clauses.append(sa.and_(table.c.res_model == name, table.c.res_id.in_(ids)))
        return sa.or_(*clauses)

    def _check_targets(self, targets: Mapping[str, list[int]]) -> None:
        """Each attachment hangs on a record that exists, of a known model; a user needs write access to it."""
        for model_name, ids in targets.items():
            if model_name not in self.env.registry or model_name == self._name:
                raise ValidationError(f"attachments cannot hang on {model_name!r}: not a model that takes "
                                      "attachments", code="ATTACHMENT_MODEL_INVALID")
            target = self.env[model_name].browse(ids)
            missing = set(ids) - set(target.sudo().exists()._ids)
            if missing:
                raise MissingError(f"cannot attach files to {model_name} records {sorted(missing)}: they do not "
                                   "exist", code="ATTACHMENT_RECORD_MISSING")
            if not self.env.su:
                target.check_access_rights("write")
                check_records(target, "write")

    @staticmethod
    def _targets(items: Sequence[Mapping[str, Any]]) -> dict[str, list[int]]:
        """The records ``items`` (values of attachments) hang on, by model."""
        targets: dict[str, list[int]] = {}
        for vals in items:
            if vals.get("res_id") and not vals.get("res_model"):
                raise ValidationError("an attachment with a record id needs its model (res_model)",
                                      code="ATTACHMENT_MODEL_INVALID")
            if vals.get("res_model") and vals.get("res_id"):
                targets.setdefault(vals["res_model"], []).append(vals["res_id"])
        return targets

    # -- content -----------------------------------------------------------------------------------

    def _settings(self) -> AttachmentSettings:
        return AttachmentSettings.from_settings(self.env.services.settings)

    def _filestore(self, settings: AttachmentSettings | None = None) -> FileStore:
        settings = settings or self._settings()
        return FileStore(settings.root / database_folder(self.env.connection.engine.url))

    def _content_values(self, vals: dict[str, Any]) -> dict[str, Any]:
        """``vals`` with the content (``raw`` or ``datas``) replaced by what is stored; checks the limits."""
        for key in COMPUTED:
            vals.pop(key, None)  # computed from the content, never taken from the caller
        present = [key for key in CONTENT_KEYS if key in vals]
        if not present:
            return vals
        content = self._fields["raw"].convert_to_column(vals.pop(present[0]), self) or b""
        for other in present[1:]:
            vals.pop(other)
        settings = self._settings()
        name = vals.get("name") or (self.name if len(self) == 1 else "") or ""
        if len(content) > settings.max_size:
            raise ValidationError(
                self.env._("%(name)s is too large: %(size)s bytes, the limit is %(limit)s bytes",
                           name=repr(name), size=len(content), limit=settings.max_size),
                code="ATTACHMENT_TOO_LARGE", status=TOO_LARGE_STATUS)
        mimetype = sniff(content, name)
        refusal = settings.type_refusal(mimetype)
        if refusal:
            raise ValidationError(self.env._("%(name)s is refused: %(reason)s", name=repr(name), reason=refusal),
                                  code="ATTACHMENT_TYPE_REFUSED")
        checksum = checksum_of(content)
        vals.update(mimetype=mimetype, file_size=len(content), checksum=checksum)
        if settings.storage == "db":
            vals.update(db_datas=content, store_fname=False)
        else:
            vals.update(db_datas=False, store_fname=self._filestore(settings).put(content, checksum))
        return vals

    def _compute_content(self) -> None:
        store = None
        for attachment in self:
            record = attachment.sudo()
            if record.store_fname:
                store = store or self._filestore()
                content = store.get(record.store_fname)
            else:
                content = record.db_datas or b""
            attachment.raw = content
            attachment.datas = content

    # -- ORM -------------------------------------------------------------------------------------------

    def create(self, vals_list: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> Any:
        items = [vals_list] if isinstance(vals_list, Mapping) else list(vals_list)
        self._check_targets(self._targets(items))
        return super().create([self._content_values(dict(vals)) for vals in items])

    def write(self, vals: Mapping[str, Any]) -> bool:
        result = super().write(self._content_values(dict(vals)))
        if "res_model" in vals or "res_id" in vals:
            self._check_targets(self._targets(self.sudo().read(["res_model", "res_id"])))
        return result

    @api.model
    def collect_garbage(self) -> list[str]:
        """Remove the filestore's files no attachment references (older than ``gc_grace_seconds``)."""
        settings = self._settings()
        table = self.env.registry[self._name]._sql

        def referenced(checksums: list[str]) -> set[str]:
            rows = self.env.execute(sa.select(table.c.checksum).where(
                table.c.checksum.in_(checksums), table.c.store_fname.is_not(None)))
            return set(rows.scalars())

        return self._filestore(settings).collect(referenced, settings.gc_grace_seconds)
