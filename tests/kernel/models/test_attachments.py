"""``ir.attachment``: access following the record, sniffed types, content-addressed files, limits, the collector."""

from __future__ import annotations

import dataclasses
import os
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest

from kernel.exceptions import AccessError, KernelError, MissingError, ValidationError
from kernel.models.filestore import AttachmentSettings, FileStore, database_folder, sniff


@pytest.fixture(scope="module")
def erp_addons() -> list[str]:
    return ["base"]


def png() -> bytes:
    """A real 1×1 PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) \
        + chunk(b"IEND", b"")


@pytest.fixture
def world(env: Any) -> dict[str, Any]:
    """Companies Alpha and Beta with a user each, a partner of each company and one shared partner."""
    alpha, beta = env["res.company"].create([{"name": "PT Alpha Files"}, {"name": "PT Beta Files"}])
    group_user = env.ref("base.group_user")
    users = {
        name: env["res.users"].create({"name": name.title(), "login": f"att_{name}", "group_ids": [(6, 0, [group_user.id])],
                                       "company_id": company.id, "company_ids": [(6, 0, [company.id])]})
        for name, company in (("alpha", alpha), ("beta", beta))
    }
    partners = {name: env["basepartner"].create({"name": f"{name} partner", "company_id": company.id})
                for name, company in (("alpha", alpha), ("beta", beta))}
    partners["shared"] = env["basepartner"].create({"name": "Shared partner"})
    return {"users": users, "partners": partners}


def as_user(env: Any, world: dict[str, Any], name: str) -> Any:
    return env(uid=world["users"][name].id, su=False)


def attach(env: Any, partner: Any, content: bytes = b"hello", name: str = "note.txt", **values: Any) -> Any:
    return env["ir.attachment"].create({"name": name, "raw": content, "res_model": "basepartner",
                                        "res_id": partner.id, **values})


def store_of(env: Any) -> FileStore:
    return env["ir.attachment"]._filestore()


def with_settings(monkeypatch: pytest.MonkeyPatch, kernel: Any, **attachments: Any) -> None:
    sections = dict(kernel.settings.sections)
    sections["attachments"] = {**sections.get("attachments", {}), **attachments}
    monkeypatch.setattr(kernel, "settings", dataclasses.replace(kernel.settings, sections=sections))


def test_access_follows_the_record_it_hangs_on(env, world):
    alpha_env, beta_env = as_user(env, world, "alpha"), as_user(env, world, "beta")
    mine = attach(alpha_env, world["partners"]["alpha"], name="alpha.txt")
    shared = attach(alpha_env, world["partners"]["shared"], name="shared.txt")
    assert alpha_env["ir.attachment"].search([("id", "in", [mine.id, shared.id])]) == alpha_env["ir.attachment"].browse(
        [mine.id, shared.id]).sorted("id", reverse=True)
    theirs = beta_env["ir.attachment"]
    assert theirs.search([("id", "in", [mine.id, shared.id])]).ids == [shared.id]
    assert theirs.search_count([("name", "=", "alpha.txt")]) == 0
    with pytest.raises(MissingError):
        theirs.browse(mine.id).read(["name"])
    with pytest.raises(MissingError):
        _ = theirs.browse(mine.id).raw
    with pytest.raises((AccessError, MissingError)):
        theirs.browse(mine.id).write({"description": "mine now"})
    with pytest.raises((AccessError, MissingError)):
        theirs.browse(mine.id).unlink()
    with pytest.raises((AccessError, MissingError)):
        attach(beta_env, world["partners"]["alpha"])
    with pytest.raises((AccessError, MissingError)):
        theirs.browse(shared.id).write({"res_id": world["partners"]["alpha"].id})  # moving it to a hidden record
    assert alpha_env["ir.attachment"].browse(mine.id).raw == b"hello"


def test_an_attachment_on_no_record_is_its_creators_and_the_administrators(env, world):
    alone = as_user(env, world, "alpha")["ir.attachment"].create({"name": "draft.txt", "raw": b"draft"})
    assert as_user(env, world, "beta")["ir.attachment"].search([("id", "=", alone.id)]).ids == []
    admin = env["res.users"].create({"name": "Admin Files", "login": "att_admin",
                                     "group_ids": [(6, 0, [env.ref("base.group_system").id])]})
    assert env(uid=admin.id, su=False)["ir.attachment"].browse(alone.id).raw == b"draft"


def test_the_type_comes_from_the_content_not_the_name_or_the_client(env, world):
    picture = attach(env, world["partners"]["shared"], png(), name="picture.txt", mimetype="text/plain")
    page = attach(env, world["partners"]["shared"], b"<!DOCTYPE html><script>alert(1)</script>", name="page.txt")
    drawing = attach(env, world["partners"]["shared"], b'<svg xmlns="http://www.w3.org/2000/svg"/>', name="x.png")
    table = attach(env, world["partners"]["shared"], b"a,b\n1,2\n", name="t.csv")
    assert (picture.mimetype, page.mimetype, drawing.mimetype, table.mimetype) == (
        "image/png", "text/html", "image/svg+xml", "text/csv")
    assert picture.file_size == len(png()) and len(picture.checksum) == 64
    assert sniff(b"\x00\x01binary") == "application/octet-stream"
    assert sniff(b'{"a": 1}') == "application/json"


def test_the_same_content_is_one_file(env, world):
    first = attach(env, world["partners"]["shared"], b"same bytes", name="a.txt")
    second = attach(env, world["partners"]["alpha"], b"same bytes", name="b.txt")
    assert first.store_fname == second.store_fname == f"{first.checksum[:2]}/{first.checksum}"
    path = store_of(env).folder / first.store_fname
    assert path.read_bytes() == b"same bytes"
    assert [p.name for p in path.parent.iterdir()] == [first.checksum]  # no temporary file left


def test_a_rolled_back_attachment_leaves_only_a_file_the_collector_removes(erp_kernel, monkeypatch):
    with pytest.raises(RuntimeError):
        with erp_kernel.env() as env:
            attachment = env["ir.attachment"].create({"name": "lost.txt", "raw": b"rolled back content"})
            path = store_of(env).folder / attachment.store_fname
            raise RuntimeError("the transaction fails")
    assert path.exists()
    with erp_kernel.env() as env:
        kept = env["ir.attachment"].create({"name": "kept.txt", "raw": b"committed content"})
        assert env["ir.attachment"].search_count([("name", "=", "lost.txt")]) == 0
        assert env["ir.attachment"].collect_garbage() == []  # within the grace period: kept
    with_settings(monkeypatch, erp_kernel, gc_grace_seconds=0)
    try:
        with erp_kernel.env() as env:
            removed = env["ir.attachment"].collect_garbage()
            assert path.name in removed and not path.exists()
            assert kept.checksum not in removed and env["ir.attachment"].browse(kept.id).raw == b"committed content"
            env["ir.attachment"].browse(kept.id).unlink()
            assert kept.checksum in env["ir.attachment"].collect_garbage()  # no longer referenced
    finally:
        monkeypatch.undo()


def test_storage_in_the_database(env, world, erp_kernel, monkeypatch):
    with_settings(monkeypatch, erp_kernel, storage="db")
    attachment = attach(env, world["partners"]["shared"], b"in the table", name="db.txt")
    assert not attachment.store_fname and attachment.sudo().db_datas == b"in the table"
    assert attachment.raw == b"in the table" and attachment.read(["datas"])[0]["datas"] == "aW4gdGhlIHRhYmxl"


@pytest.mark.parametrize(("settings", "content", "message"), [
    ({"max_size": 4}, b"too long", "'x.txt' is too large: 8 bytes, the limit is 4 bytes"),
    ({}, b"\x7fELF\x02\x01\x01" + b"\x00" * 60, "files of type application/x-executable are blocked"),
    ({"allowed_types": ["image/*"]}, b"plain", "files of type text/plain are not allowed; allowed types: image/*"),
])
def test_limits_from_the_configuration(env, world, erp_kernel, monkeypatch, settings, content, message):
    with_settings(monkeypatch, erp_kernel, **settings)
    with pytest.raises(ValidationError, match=message):
        attach(env, world["partners"]["shared"], content, name="x.txt")
    assert env["ir.attachment"].search_count([("name", "=", "x.txt")]) == 0


@pytest.mark.parametrize(("values", "error", "message"), [
    ({"res_id": 5}, ValidationError, "needs its model"),
    ({"res_model": "no.such.model", "res_id": 5}, ValidationError, "cannot hang on 'no.such.model'"),
    ({"res_model": "basepartner", "res_id": 999999}, MissingError, r"records \[999999\]: they do not exist"),
])
def test_bad_targets_are_refused(env, values, error, message):
    with pytest.raises(error, match=message):
        env["ir.attachment"].create({"name": "x.txt", "raw": b"x", **values})


@pytest.mark.parametrize(("attachments", "message"), [
    ({"storage": "s3"}, 'storage: expected "file" or "db"'),
    ({"max_size": -1}, "max_size: expected a number of at least 0"),
    ({"allowed_types": [3]}, "allowed_types: expected a list of MIME types"),
])
def test_bad_configuration_is_named(erp_kernel, attachments, message):
    settings = dataclasses.replace(erp_kernel.settings, sections={"attachments": attachments})
    with pytest.raises(KernelError, match=message):
        AttachmentSettings.from_settings(settings)


def test_each_database_has_its_folder(erp_kernel, tmp_path):
    folder = database_folder(erp_kernel.engine.url)
    assert folder and "/" not in folder
    store = FileStore(tmp_path)
    relative = store.put(b"abc", "a" * 64)
    os.utime(tmp_path / relative, (0, 0))
    assert store.put(b"abc", "a" * 64) == relative and (tmp_path / relative).stat().st_mtime > 0  # touched again
    (tmp_path / "aa" / ".tmp-crashed").write_bytes(b"half")
    os.utime(tmp_path / "aa" / ".tmp-crashed", (0, 0))
    assert store.collect(lambda names: set(names), grace=60) == [".tmp-crashed"]
    assert Path(tmp_path / relative).exists()
