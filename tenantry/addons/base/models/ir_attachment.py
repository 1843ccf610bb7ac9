"""``ir.attachment``: files and links attached to records, their content in the filestore.

As Odoo's (``odoo/addons/base/models/ir_attachment.py``):

- ``datas`` (base64 over RPC) and ``raw`` are the content, computed from the file named
  by ``store_fname`` (``<sha1[:2]>/<sha1>`` in the database's filestore) or from
  ``db_datas`` when the environment has no filestore; writing either stores the content
  and sets ``file_size``, ``checksum`` (sha1), ``mimetype``, ``index_content``.
- Access follows the record an attachment is linked to (``res_model``, ``res_id``):
  reading it needs read access to that record, changing it (or creating or deleting
  it) write access; an attachment linked to no record is its creator's (and the
  Settings group's); ``public`` ones are readable by every internal user. Only internal
  users reach attachments at all (``check``).
- Attachments holding a binary field's value (``res_field`` set) are left out of
  searches unless the domain names ``id`` or ``res_field``.

Python-side, binary values are the raw bytes (``rec.datas`` too, unlike Odoo's base64
bytes); over RPC they are base64 text, as in Odoo.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from tenantry.content import guess_mimetype, index_text, is_xml_like
from tenantry.domain.limits import id_batches
from tenantry.exceptions import AccessError, ValidationError
from tenantry.orm import api, fields, models
from tenantry.orm.image import human_size

_COMPUTED = ("file_size", "checksum", "store_fname")
_DENIED = "Sorry, you are not allowed to access this document."


class IrAttachment(models.Model):
    _name = "ir.attachment"
    _description = "Attachment"
    _order = "id desc"

    name = fields.Char(required=True)
    description = fields.Text()
    res_name = fields.Char("Resource Name", compute="_compute_res_name")
    res_model = fields.Char("Resource Model", index=True)
    res_field = fields.Char("Resource Field", index=True)
    res_id = fields.Integer("Resource ID", index=True)
    company_id = fields.Many2one("res.company", "Company", default=lambda self: self.env.company)
    type = fields.Selection([("url", "URL"), ("binary", "File")], "Type", required=True, default="binary")
    url = fields.Char("Url", size=1024, index=True)
    public = fields.Boolean("Is public document")
    access_token = fields.Char("Access Token", groups="base.group_user")
    raw = fields.Binary("File Content (raw)", compute="_compute_raw", inverse="_inverse_raw")
    datas = fields.Binary("File Content (base64)", compute="_compute_datas", inverse="_inverse_datas")
    db_datas = fields.Binary("Database Data", attachment=False)
    store_fname = fields.Char("Stored Filename", index=True)
    file_size = fields.Integer("File Size", readonly=True)
    checksum = fields.Char("Checksum/SHA1", size=40, readonly=True, index=True)
    mimetype = fields.Char("Mime Type", readonly=True)
    index_content = fields.Text("Indexed Content", readonly=True)

    # -- content ----------------------------------------------------------------------

    def _compute_res_name(self) -> None:
        for attachment in self:
            model, res_id = attachment.res_model, attachment.res_id
            record = self.env[model].sudo().browse(res_id) if model in self.env and res_id else None
            attachment.res_name = record.display_name if record and record.exists() else False

    def _compute_raw(self) -> None:
        filestore = self.env.cr.filestore
        for attachment in self:
            fname = attachment.store_fname
            if fname:
                attachment.raw = filestore.read(fname) if filestore is not None else b""
            else:
                attachment.raw = attachment.db_datas or False

    def _compute_datas(self) -> None:
        if fields.bin_size(self.env.context, "datas"):
            for attachment in self:
                attachment.datas = human_size(attachment.file_size)
            return
        for attachment in self:
            attachment.datas = attachment.raw

    def _inverse_raw(self) -> None:
        for attachment in self:
            attachment.write({"raw": attachment.raw})

    def _inverse_datas(self) -> None:
        for attachment in self:
            attachment.write({"raw": attachment.datas})

    def _content_of(self, vals: dict[str, Any]) -> tuple[bool, bytes | None]:
        """Take ``raw``/``datas`` out of ``vals``: (whether given, the bytes or None)."""
        given = "raw" in vals or "datas" in vals
        raw, datas = vals.pop("raw", None), vals.pop("datas", None)
        if isinstance(raw, str):
            raw = raw.encode()  # raw is bytes, never base64 (as Odoo)
        value = raw if raw else datas
        data = self._fields["raw"].to_column(value, self) if value else None
        return given, data or None

    def _content_values(self, data: bytes | None, mimetype: str) -> dict[str, Any]:
        """The stored fields that follow from the content (Odoo's ``_get_datas_related_values``)."""
        content = data or b""
        checksum = hashlib.sha1(content).hexdigest()
        values: dict[str, Any] = {
            "file_size": len(content),
            "checksum": checksum,
            "index_content": index_text(content, mimetype),
            "store_fname": False,
            "db_datas": data or False,
        }
        if data and self.env.cr.filestore is not None:
            values["store_fname"] = f"{checksum[:2]}/{checksum}"
            values["db_datas"] = False
        return values

    def _check_contents(self, vals: dict[str, Any], data: bytes | None) -> dict[str, Any]:
        """Set the mimetype; markup becomes plain text unless the user may publish pages
        (Settings): an uploaded HTML or SVG file served back must not run scripts."""
        mimetype = vals.get("mimetype") if isinstance(vals.get("mimetype"), str) else None
        mimetype = mimetype or guess_mimetype(_text(vals.get("name")), _text(vals.get("url")), data)
        if is_xml_like(mimetype) and (
            self.env.context.get("attachments_mime_plainxml") or not self._is_system()
        ):
            mimetype = "text/plain"
        vals["mimetype"] = mimetype.lower()
        return vals

    def _store_files(self, contents: Iterable[bytes | None]) -> None:
        """Write the files of contents just saved in rows (the rows first: see tenantry.db.filestore)."""
        filestore = self.env.cr.filestore
        if filestore is None:
            return
        for data in contents:
            if data:
                filestore.write(data, hashlib.sha1(data).hexdigest())

    def _forget_files(self, fnames: Iterable[str]) -> None:
        """Files these rows no longer use: collected after the commit unless used elsewhere."""
        filestore = self.env.cr.filestore
        if filestore is None:
            return
        for fname in fnames:
            filestore.mark(fname)

    # -- access -----------------------------------------------------------------------

    def _is_system(self) -> bool:
        return self.env.su or bool(self.env.user.has_group("base.group_system"))

    def _is_admin(self) -> bool:
        return self.env.su or bool(self.env.user.has_group("base.group_erp_manager"))

    def _security_rows(self) -> list[Any]:
        table = self._table_obj
        columns = (table.c.id, table.c.res_model, table.c.res_id, table.c.create_uid, table.c.public,
                   table.c.res_field)  # fmt: skip
        rows: list[Any] = []
        for batch in id_batches(list(dict.fromkeys(self._ids))):
            rows.extend(self.env.cr.conn.execute(sa.select(*columns).where(table.c.id.in_(batch))))
        return rows

    @api.model
    def check(self, mode: str, values: Mapping[str, Any] | None = None) -> bool:
        """Odoo's attachment check: ``AccessError`` unless the user may ``mode`` (read,
        write, create, unlink) these attachments, and link one to ``values``' record."""
        if self.env.su:
            return True
        if mode not in ("read", "write", "create", "unlink"):
            raise ValidationError(f"Invalid access mode {mode!r}")
        if values is not None and not isinstance(values, Mapping):  # from the wire: anything
            raise ValidationError("The values of an attachment check are a dictionary.")
        if not (self._is_admin() or not self.env.user.share):
            raise AccessError(_DENIED)
        system = self._is_system()
        targets: dict[str, set[int]] = defaultdict(set)
        for _id, res_model, res_id, create_uid, public, res_field in self._security_rows():
            if public and mode == "read":
                continue
            if not system:
                if not res_id and create_uid != self.env.uid:
                    raise AccessError(_DENIED)
                if res_field and not self._field_readable(res_model, res_field):
                    raise AccessError(_DENIED)
            if res_model and res_id:
                targets[res_model].add(res_id)
        if values and values.get("res_model") and values.get("res_id"):
            model, res_id = values["res_model"], values["res_id"]
            if not isinstance(model, str) or not isinstance(res_id, int) or isinstance(res_id, bool):
                raise ValidationError("An attachment links to a model name and a record id.")
            targets[model].add(res_id)
        operation = "write" if mode in ("create", "unlink") else mode
        for model, ids in targets.items():
            if model not in self.env:
                continue  # linked to a model no longer installed
            if model == "res.users" and ids == {self.env.uid}:
                continue  # a user may attach files to themselves (a signature image)
            records = self.env[model].browse(sorted(ids)).exists()
            records.check_access_rights(operation)
            records.check_access_rule(operation)
        return True

    def _field_readable(self, model: str, field_name: str) -> bool:
        if model not in self.env or field_name not in self.env[model]._fields:
            return False
        return self.env.cr.policy.field_allowed(self.env, model, field_name)

    def _check_serving(self) -> None:
        """Only the Settings group may make a file that the server would serve at an URL."""
        if self._is_admin():
            return
        for attachment in self.sudo():
            if attachment.type == "binary" and attachment.url:
                raise ValidationError("Sorry, you are not allowed to write on this document")

    def _visible(self, ids: Sequence[int]) -> set[int]:
        """Which of ``ids`` the user may see (Odoo's ``_search`` filter)."""
        system = self._is_system()
        allowed: set[int] = set()
        linked: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
        for id_, res_model, res_id, create_uid, public, _res_field in self.browse(ids)._security_rows():
            if public or (not res_id and (system or create_uid == self.env.uid)):
                allowed.add(id_)
            elif res_model and res_id:
                linked[res_model][res_id].append(id_)
        for model, targets in linked.items():
            if model not in self.env:
                allowed.update(i for attachment_ids in targets.values() for i in attachment_ids)
                continue
            comodel = self.env[model].with_context(active_test=False)
            if not comodel.check_access_rights("read", raise_exception=False):
                continue
            for batch in id_batches(list(targets)):
                for res_id in comodel.search([("id", "in", batch)]).ids:
                    allowed.update(targets[res_id])
        return allowed

    # -- ORM overrides ----------------------------------------------------------------

    def _search(
        self,
        domain: Any,
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
        columns: Sequence[str] = (),
    ) -> Any:
        domain = self._without_field_values(domain)
        if self.env.su:
            return super()._search(domain, offset, limit, order, columns)
        found = super()._search(domain, 0, None, order, columns)
        visible = self._visible(found.ids)
        ids = [i for i in found.ids if i in visible]
        return self.browse(ids[offset : offset + limit] if limit else ids[offset:])

    def _without_field_values(self, domain: Any) -> Any:
        """``domain`` and ``res_field = False``, unless it names ``id`` or ``res_field``."""
        if self.env.context.get("skip_res_field_check") or not isinstance(domain, list | tuple):
            return domain
        if _names_any(domain, ("id", "res_field")):
            return domain
        return ["&", ("res_field", "=", False), *domain] if domain else [("res_field", "=", False)]

    @api.model
    def search_count(self, domain: Any, limit: int | None = None) -> int:
        if self.env.su:
            return super().search_count(self._without_field_values(domain), limit)
        return len(self._search(domain, limit=limit))

    @api.model
    def read_group(self, domain: Any, fields: Sequence[str], groupby: Any, *args: Any, **kwargs: Any) -> Any:
        if self.env.su:
            domain = self._without_field_values(domain)
        else:
            domain = [("id", "in", self._search(domain).ids)]
        return super().read_group(domain, fields, groupby, *args, **kwargs)

    def read(self, fields: Sequence[str] | None = None, load: str = "_classic_read") -> list[dict[str, Any]]:
        self.check("read")
        return super().read(fields, load)

    def filtered_domain(self, domain: Any) -> Any:
        self.check("read")
        return super().filtered_domain(domain)

    def copy_data(self, default: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        self.check("read")
        default = dict(default or {})
        result = super().copy_data(default)
        for attachment, vals in zip(self, result, strict=True):
            if not default.keys() & {"datas", "db_datas", "raw"}:
                vals["raw"] = attachment.raw  # the same content, stored anew
            for name in ("datas", "db_datas", *_COMPUTED):
                vals.pop(name, None)
        return result

    @api.model_create_multi
    def create(self, vals_list: Any) -> Any:
        if isinstance(vals_list, Mapping):
            vals_list = [vals_list]
        if not isinstance(vals_list, Sequence) or not all(isinstance(v, Mapping) for v in vals_list):
            raise ValidationError("create() on ir.attachment takes a dict or a list of dicts")
        prepared, contents = [], []
        for vals in vals_list:
            vals = {k: v for k, v in vals.items() if k not in _COMPUTED}
            data = self._content_of(vals)[1]
            vals = self._check_contents(vals, data)
            vals.update(self._content_values(data, vals["mimetype"]))
            prepared.append(vals)
            contents.append(data)
        for res_model, res_id in {(v.get("res_model"), v.get("res_id")) for v in prepared if _hashable(v)}:
            self.browse().check("create", values={"res_model": res_model, "res_id": res_id})
        records = super().create(prepared)
        self._store_files(contents)
        if any(v.get("url") for v in prepared):
            records._check_serving()
        return records

    def write(self, vals: Mapping[str, Any]) -> bool:
        if not isinstance(vals, Mapping):
            raise ValidationError("write() on ir.attachment takes a dict of values")
        self.check("write", values=vals)
        vals = {k: v for k, v in vals.items() if k not in _COMPUTED}
        given, data = self._content_of(vals)
        old: list[str] = []
        if given or "mimetype" in vals:
            vals = self._check_contents(vals, data)
        if given:
            old = [fname for fname in self.sudo().mapped("store_fname") if fname]
            vals.update(self._content_values(data, vals["mimetype"]))
        result = super().write(vals)
        if given:
            self._store_files([data])
            self._forget_files(old)
        if "url" in vals or "type" in vals:
            self._check_serving()
        return result

    def unlink(self) -> bool:
        if not self:
            return True
        self.check("unlink")
        # The rows first, then the files (collected once the deletion is committed).
        fnames = [fname for fname in self.sudo().mapped("store_fname") if fname]
        result = super().unlink()
        self._forget_files(fnames)
        return result

    # -- binary fields kept in attachments (called by the ORM, as the superuser) --------

    @api.model
    def _field_contents(
        self, res_model: str, res_field: str, res_ids: Sequence[int], sizes: bool = False
    ) -> dict[int, Any]:
        """``{res_id: bytes}`` of a binary field's attachments (``{res_id: size}`` with ``sizes``)."""
        found = self.sudo()._linked_to(res_model, res_ids, [("res_field", "=", res_field)])
        if sizes:
            return {a.res_id: a.file_size for a in found}
        return {a.res_id: a.raw or b"" for a in found}

    @api.model
    def _set_field_contents(self, res_model: str, res_field: str, values: Mapping[int, bytes | None]) -> None:
        """Store a binary field's values: ``None`` deletes the attachment."""
        attachments = self.sudo()
        found = attachments._linked_to(res_model, list(values), [("res_field", "=", res_field)])
        existing = {a.res_id: a for a in found}
        obsolete = attachments.browse()
        create = []
        for res_id, data in values.items():
            current = existing.get(res_id)
            if not data:
                obsolete |= current if current is not None else attachments.browse()
            elif current is not None:
                current.write({"raw": data})
            else:
                create.append({"name": res_field, "res_model": res_model, "res_field": res_field,
                               "res_id": res_id, "type": "binary", "raw": data})  # fmt: skip
        obsolete.unlink()
        if create:
            attachments.create(create)

    @api.model
    def _unlink_for(self, res_model: str, res_ids: Sequence[int]) -> None:
        """Delete the attachments of deleted records (binary field values included)."""
        self.sudo().with_context(skip_res_field_check=True)._linked_to(res_model, res_ids).unlink()

    def _linked_to(self, res_model: str, res_ids: Sequence[int], domain: Sequence[Any] = ()) -> Any:
        """The attachments of these records matching ``domain``, searched in batches: the
        ORM may handle more records than a client's domain may list."""
        found = self.browse()
        for batch in id_batches(list(res_ids)):
            found |= self._search([("res_model", "=", res_model), ("res_id", "in", batch), *domain])
        return found


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _hashable(vals: Mapping[str, Any]) -> bool:
    try:
        hash((vals.get("res_model"), vals.get("res_id")))
    except TypeError:
        raise ValidationError("An attachment links to a model name and a record id.") from None
    return True


def _names_any(domain: Any, names: tuple[str, ...]) -> bool:
    """Whether a leaf of ``domain`` is on one of ``names`` (Odoo looks at the leaves only)."""
    return any(
        isinstance(item, list | tuple) and len(item) == 3 and isinstance(item[0], str)
        and item[0].split(".", 1)[0] in names
        for item in domain
    )  # fmt: skip
