"""ir.attachment, binary fields kept in attachments, image fields and module icons (base addon).

Odoo's behaviour (odoo/addons/base/models/ir_attachment.py, fields.Binary/Image): content
in the filestore named by its sha1, access through the linked record, binary field values
hidden from searches, images resized on write. On the shared template, rolled back.
"""

from __future__ import annotations

import base64
import hashlib
import io
from collections.abc import Callable
from typing import Any

import pytest
from PIL import Image

from tenantry.exceptions import AccessError, ValidationError
from tenantry.orm.environment import Environment


def _png(width: int, height: int, color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


def _size(data: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(data)).size


def _user(env: Environment, login: str, *groups: str) -> Any:
    return env["res.users"].create(
        {"name": login, "login": login, "groups_id": [(6, 0, [env.ref(g).id for g in groups])]}
    )


def test_content_is_stored_in_the_filestore_under_its_sha1(env: Environment) -> None:
    content = b"hello world\n" * 100
    attachment = env["ir.attachment"].create(
        {"name": "notes.txt", "datas": base64.b64encode(content).decode()}
    )
    [row] = attachment.read(["datas", "file_size", "checksum", "mimetype", "store_fname", "index_content"])
    sha1 = hashlib.sha1(content).hexdigest()
    assert row["datas"] == base64.b64encode(content).decode()  # base64 text over RPC, as Odoo
    assert (row["file_size"], row["checksum"], row["mimetype"]) == (len(content), sha1, "text/plain")
    assert row["store_fname"] == f"{sha1[:2]}/{sha1}" and "hello world" in row["index_content"]
    assert env.cr.filestore is not None
    assert env.cr.filestore.path(row["store_fname"]).read_bytes() == content
    assert attachment.raw == content and attachment.db_datas is False
    # a second attachment with the same content shares the file
    twin = env["ir.attachment"].create({"name": "copy.txt", "raw": content})
    assert twin.store_fname == attachment.store_fname


def test_bin_size_reads_sizes_instead_of_content(env: Environment) -> None:
    attachment = env["ir.attachment"].create({"name": "b.bin", "raw": b"x" * 2048})
    assert attachment.with_context(bin_size=True).read(["datas"])[0]["datas"] == "2.00 Kb"
    partner = env["res.partner"].create(
        {"name": "Pic", "image_1920": base64.b64encode(_png(10, 10)).decode()}
    )
    [row] = partner.with_context(bin_size=True).read(["image_1920", "image_128"])
    assert row["image_1920"].endswith(" bytes") and row["image_128"].endswith(" bytes")


@pytest.mark.parametrize(
    ("name", "data", "mimetype"),
    [
        ("photo.png", _png(2, 2), "image/png"),
        ("unnamed", _png(2, 2), "image/png"),
        ("doc.pdf", b"%PDF-1.4 ...", "application/pdf"),
        ("blob", b"\x00\x01\x02", "application/octet-stream"),
    ],
)
def test_mimetype_comes_from_the_name_then_the_content(
    env: Environment, name: str, data: bytes, mimetype: str
) -> None:
    assert env["ir.attachment"].create({"name": name, "raw": data}).mimetype == mimetype


@pytest.mark.parametrize(
    ("name", "data"),
    [("page.html", b"<html><script>alert(1)</script></html>"), ("x.svg", b"<svg onload='alert(1)'/>")],
)
def test_markup_uploaded_outside_settings_is_stored_as_plain_text(
    env: Environment, name: str, data: bytes
) -> None:
    user = _user(env, "markup", "base.group_user")
    mine = env["ir.attachment"].with_user(user).create({"name": name, "raw": data})
    assert mine.sudo().mimetype == "text/plain"
    assert env["ir.attachment"].create({"name": name, "raw": data}).mimetype != "text/plain"  # superuser


def test_leniently_decoded_base64_as_odoo_accepts_it(env: Environment) -> None:
    # odoorpc's own tests send str(b64encode(...)): "b'...'", which Odoo's b64decode accepts
    attachment = env["ir.attachment"].create({"name": "t", "datas": str(base64.b64encode(b"\x00" * 1024))})
    assert attachment.file_size > 0
    with pytest.raises(ValidationError):
        env["ir.attachment"].create({"name": "t", "datas": "not base64!"})
    with pytest.raises(ValidationError):
        env["ir.attachment"].create({"name": "t", "datas": ["a", "list"]})


_OPERATIONS: dict[str, Callable[[Any, Any], Any]] = {
    "read": lambda attachments, _rec: attachments.read(["name", "datas"]),
    "write": lambda attachments, _rec: attachments.write({"description": "x"}),
    "unlink": lambda attachments, _rec: attachments.unlink(),
    "create": lambda attachments, rec: attachments.create(
        {"name": "n", "res_model": rec._name, "res_id": rec.id, "raw": b"z"}
    ),
}


@pytest.mark.parametrize("operation", list(_OPERATIONS))
def test_access_follows_the_linked_record(env: Environment, operation: str) -> None:
    """An internal user reads what is attached to records they read, and changes (writes,
    creates, deletes) only what is attached to records they may write: here partners,
    which the Internal User group reads but does not write."""
    user = _user(env, "clerk", "base.group_user")
    partner = env["res.partner"].create({"name": "Linked"})
    order_partner = env["res.partner"].create({"name": "Invisible", "type": "private"})
    attached = env["ir.attachment"].create(
        {"name": "a.txt", "res_model": "res.partner", "res_id": partner.id, "raw": b"a"}
    )
    as_user = attached.with_user(user)
    if operation == "read":
        assert as_user.read(["datas"])[0]["datas"] == base64.b64encode(b"a").decode()
        assert attached.id in env["ir.attachment"].with_user(user).search([("id", "=", attached.id)]).ids
        return
    target = env["ir.attachment"].with_user(user) if operation == "create" else as_user
    with pytest.raises(AccessError):
        _OPERATIONS[operation](target, partner)
    manager = _user(env, "manager", "base.group_user", "base.group_partner_manager")
    target = target.with_user(manager)
    _OPERATIONS[operation](target, order_partner)  # a partner manager writes partners: allowed


def test_records_hidden_by_rules_hide_their_attachments(env: Environment) -> None:
    salesman = _user(env, "seller", "sale_demo.group_sale_salesman")
    admin = env.ref("base.user_admin")
    order = env["sale.order"].create(
        {"partner_id": env["res.partner"].create({"name": "C"}).id, "user_id": admin.id}
    )
    values = {"name": "quote.pdf", "res_model": "sale.order", "res_id": order.id, "raw": b"%PDF-"}
    attached = env["ir.attachment"].create(values)
    attachments = env["ir.attachment"].with_user(salesman)
    assert attached.id not in attachments.search([]).ids
    assert attachments.search_count([("res_model", "=", "sale.order")]) == 0
    with pytest.raises(AccessError):
        attached.with_user(salesman).read(["datas"])
    order.user_id = salesman  # now one of their own documents
    assert attached.id in attachments.search([]).ids


def test_an_attachment_linked_to_nothing_is_its_creators(env: Environment) -> None:
    alice, bob = _user(env, "alice_a", "base.group_user"), _user(env, "bob_a", "base.group_user")
    note = env["ir.attachment"].with_user(alice).create({"name": "mine.txt", "raw": b"secret"})
    assert note.with_user(alice).read(["raw"])[0]["raw"]
    assert note.id not in env["ir.attachment"].with_user(bob).search([]).ids
    for attempt in (lambda: note.with_user(bob).read(["datas"]), lambda: note.with_user(bob).unlink()):
        with pytest.raises(AccessError):
            attempt()
    note.public = True
    assert note.with_user(bob).read(["name"])[0]["name"] == "mine.txt"  # public: readable


def test_portal_users_reach_no_attachment(env: Environment) -> None:
    portal = _user(env, "portal_a", "base.group_portal")
    public = env["ir.attachment"].create({"name": "pub", "public": True, "raw": b"p"})
    with pytest.raises(AccessError):
        public.with_user(portal).read(["name"])


def test_binary_field_values_live_in_attachments_hidden_from_searches(env: Environment) -> None:
    thing = env["test.thing"].create({"name": "with blob", "blob": b"\x00\x01binary"})
    assert "blob" not in env["test.thing"]._table_obj.c  # no column: an attachment
    assert thing.blob == b"\x00\x01binary" and thing.read(["blob"])[0]["blob"] == "AAFiaW5hcnk="
    attachments = env["ir.attachment"]
    value = attachments.search([("res_model", "=", "test.thing"), ("res_field", "=", "blob")])
    assert value.res_id == thing.id and value.raw == b"\x00\x01binary"
    assert value not in attachments.search([("res_model", "=", "test.thing")])  # hidden unless asked
    assert value in attachments.search([("id", "=", value.id)])
    thing.blob = base64.b64encode(b"new").decode()
    assert thing.blob == b"new" and value.exists().raw == b"new"
    thing.blob = False
    assert thing.blob is False and not value.exists()
    thing.blob = b"again"
    thing.unlink()  # a deleted record's attachments go with it
    assert not attachments.search([("res_model", "=", "test.thing"), ("res_id", "=", thing.id),
                                   ("res_field", "!=", False)])  # fmt: skip


def test_a_binary_field_value_is_read_with_the_records_access(env: Environment) -> None:
    user = _user(env, "no_things", "base.group_portal")
    thing = env["test.thing"].create({"name": "guarded", "blob": b"x"})
    with pytest.raises(AccessError):
        thing.with_user(user).read(["blob"])
    with pytest.raises(AccessError):
        _ = thing.with_user(user).blob


def test_image_fields_are_resized_on_write_and_derived_from_the_big_one(env: Environment) -> None:
    partner = env["res.partner"].create(
        {"name": "Big", "image_1920": base64.b64encode(_png(3000, 1500)).decode()}
    )
    sizes = {name: _size(partner[name]) for name in ("image_1920", "image_1024", "image_512", "image_128")}
    assert sizes == {"image_1920": (1920, 960), "image_1024": (1024, 512), "image_512": (512, 256),
                     "image_128": (128, 64)}  # fmt: skip
    small = _png(20, 10, "blue")
    partner.image_1920 = small
    assert partner.image_1920 == small and partner.image_128 == small  # an image that fits is kept as is
    company = env.ref("base.main_company")
    company.logo = base64.b64encode(small).decode()
    assert company.partner_id.image_1920 == small and company.read(["logo"])[0]["logo"]
    partner.image_1920 = False
    assert partner.read(["image_1920", "image_256"])[0] == {"id": partner.id, "image_1920": False,
                                                            "image_256": False}  # fmt: skip


@pytest.mark.parametrize("data", [b"not an image", _png(10, 10)[:40]])
def test_an_image_field_refuses_what_is_not_an_image(env: Environment, data: bytes) -> None:
    with pytest.raises(ValidationError, match="image"):
        env["res.partner"].create({"name": "Bad", "image_1920": data})


def test_an_image_field_refuses_a_decompression_bomb_before_decoding_it(env: Environment) -> None:
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, "PNG")  # 100 million pixels in a few kB
    assert len(out.getvalue()) < 100_000
    with pytest.raises(ValidationError, match="50 million pixels"):
        env["res.partner"].create({"name": "Bomb", "image_1920": out.getvalue()})


def test_module_icons_are_the_addons_icon_files(env: Environment) -> None:
    base = env.ref("base.module_base")
    [row] = base.read(["icon", "icon_image"])
    assert row["icon"] == "/base/static/description/icon.png"
    assert base64.b64decode(row["icon_image"]).startswith(b"\x89PNG")
    sale = env["ir.module.module"].search([("name", "=", "sale_demo")])
    assert sale.icon_image != base.icon_image
