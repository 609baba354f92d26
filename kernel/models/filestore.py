"""Where attachment contents live: a content-addressed folder per database, or the database itself.

``[attachments]`` in the configuration::

    storage = "file"                 # or "db": contents in the ir_attachment table
    filestore = "../var/filestore"   # relative to the configuration file; one folder per database below it
    max_size = 26214400              # bytes per attachment
    allowed_types = []               # MIME patterns ("image/*", "application/pdf"); empty: any not blocked
    blocked_types = [...]            # MIME patterns refused whatever allowed_types says
    gc_grace_seconds = 86400         # an unreferenced file younger than this is kept

A file is named by the SHA-256 of its content (``<root>/<db>/ab/abcdef…``):
the same content stored twice is one file. It is written to a temporary file
beside its final place and renamed, so a reader never sees half a file; a
transaction that rolls back leaves a file no attachment references, which
:meth:`FileStore.collect` removes once it is older than the grace period
(several hosts may share the folder: the grace period covers their
transactions still running).

The MIME type is sniffed from the content with the ``filetype`` package
(magic numbers of images, PDF, office documents, archives, executables: small,
pure Python, no system library), and for text by looking at the text itself
(HTML, SVG, XML, JSON); the client's word and the file name's extension are
not trusted, except to name the kind of harmless plain text (``.csv``).
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import mimetypes
import os
import re
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import PROJECT_ROOT, Settings
from ..exceptions import KernelError, MissingError

DEFAULT_BLOCKED = ("application/x-msdownload", "application/x-executable", "application/x-dosexec",
                   "application/x-sh", "application/x-msi", "application/x-elf")
SNIFF_BYTES = 8192
TEXT_SAMPLE = 65536
TEMP_PREFIX = ".tmp-"
CHECKSUM = re.compile(r"^[0-9a-f]{64}$")
UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]")


@dataclass(frozen=True)
class AttachmentSettings:
    """``[attachments]``, checked: a wrong value names the key and what it expects."""

    storage: str = "file"
    root: Path = PROJECT_ROOT / "var" / "filestore"
    max_size: int = 25 * 1024 * 1024
    allowed_types: tuple[str, ...] = ()
    blocked_types: tuple[str, ...] = DEFAULT_BLOCKED
    gc_grace_seconds: float = 86400.0

    @classmethod
    def from_settings(cls, settings: Settings) -> AttachmentSettings:
        section = settings.section("attachments")
        storage = section.get("storage", cls.storage)
        if storage not in ("file", "db"):
            raise _bad("storage", '"file" or "db"', storage)
        root = section.get("filestore")
        if root is not None and (not isinstance(root, str) or not root):
            raise _bad("filestore", "a folder", root)
        base = settings.source.parent if settings.source else Path.cwd()
        return cls(
            storage=storage,
            root=(base / root).resolve() if root else cls.root,
            max_size=_number(section, "max_size", cls.max_size, int),
            allowed_types=_patterns(section, "allowed_types", cls.allowed_types),
            blocked_types=_patterns(section, "blocked_types", cls.blocked_types),
            gc_grace_seconds=_number(section, "gc_grace_seconds", cls.gc_grace_seconds, float),
        )

    def type_refusal(self, mimetype: str) -> str | None:
        """Why ``mimetype`` may not be stored, or None."""
        if any(fnmatch.fnmatchcase(mimetype, pattern) for pattern in self.blocked_types):
            return f"files of type {mimetype} are blocked ([attachments] blocked_types)"
        if self.allowed_types and not any(fnmatch.fnmatchcase(mimetype, p) for p in self.allowed_types):
            return (f"files of type {mimetype} are not allowed; allowed types: {', '.join(self.allowed_types)} "
                    "([attachments] allowed_types)")
        return None


def _bad(key: str, expected: str, value: Any) -> KernelError:
    return KernelError(f"configuration [attachments] {key}: expected {expected}, got {value!r}")


def _number(section: Mapping[str, Any], key: str, default: float, kind: type) -> Any:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise _bad(key, "a number of at least 0", value)
    return kind(value)


def _patterns(section: Mapping[str, Any], key: str, default: tuple[str, ...]) -> tuple[str, ...]:
    value = section.get(key, default)
    if isinstance(value, str):  # from an ERP_ATTACHMENTS_* variable: comma-separated
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) and item for item in value):
        raise _bad(key, "a list of MIME types or patterns such as \"image/*\"", value)
    return tuple(value)


def database_folder(url: Any) -> str:
    """The filestore folder name of a database: its PostgreSQL name, or its SQLite file's name."""
    database = url.database or "memory"
    name = Path(database).stem if url.get_backend_name() == "sqlite" else database
    return UNSAFE_NAME.sub("_", name) or "default"


class FileStore:
    """The content-addressed files of one database."""

    def __init__(self, folder: Path):
        self.folder = folder

    def relative(self, checksum: str) -> str:
        return f"{checksum[:2]}/{checksum}"

    def put(self, content: bytes, checksum: str) -> str:
        """Store ``content`` under its checksum (once); returns its path relative to the folder."""
        path = self.folder / self.relative(checksum)
        if path.exists():
            os.utime(path)  # a fresh reference: the collector's grace period starts again
            return self.relative(checksum)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.parent / f"{TEMP_PREFIX}{uuid.uuid4().hex}"
        with open(temporary, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
        return self.relative(checksum)

    def get(self, relative: str) -> bytes:
        path = self.folder / relative
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise MissingError(f"the attachment's file {relative} is missing from the filestore {self.folder}",
                               code="ATTACHMENT_FILE_MISSING") from None

    def collect(self, referenced: Callable[[list[str]], set[str]], grace: float, now: float | None = None) -> list[str]:
        """Remove the files no attachment references (``referenced(checksums)`` answers which are) and the
        temporary files left by crashes, when older than ``grace`` seconds; returns the removed names."""
        now = time.time() if now is None else now
        removed: list[str] = []
        candidates: dict[str, Path] = {}
        for path in self._files():
            if now - path.stat().st_mtime < grace:
                continue
            if CHECKSUM.match(path.name):
                candidates[path.name] = path
            elif path.name.startswith(TEMP_PREFIX):
                path.unlink(missing_ok=True)
                removed.append(path.name)
        names = list(candidates)
        for start in range(0, len(names), 500):
            chunk = names[start:start + 500]
            keep = referenced(chunk)
            for name in chunk:
                path = candidates[name]
                if name not in keep and now - path.stat().st_mtime >= grace:  # untouched since we looked
                    path.unlink(missing_ok=True)
                    removed.append(name)
        return removed

    def _files(self) -> Iterable[Path]:
        if not self.folder.is_dir():
            return
        for sub in sorted(self.folder.iterdir()):
            if sub.is_dir() and len(sub.name) == 2:
                yield from sorted(p for p in sub.iterdir() if p.is_file())


def checksum_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def sniff(content: bytes, filename: str | None = None) -> str:
    """The MIME type of ``content``, from the content (see the module's docstring)."""
    import filetype  # here: only storing an attachment needs it

    kind = filetype.guess(content[:SNIFF_BYTES])
    if kind is not None:
        return str(kind.mime)
    text = _as_text(content)
    if text is None:
        return "application/octet-stream"
    head = text.lstrip("\ufeff \t\r\n")[:2048].lower()
    if "<svg" in head and (head.startswith("<svg") or head.startswith("<?xml") or head.startswith("<!doctype svg")):
        return "image/svg+xml"
    if head.startswith(("<!doctype html", "<html", "<head", "<body", "<script", "<iframe")) or "<script" in head:
        return "text/html"
    if head.startswith("<?xml"):
        return "application/xml"
    if head[:1] in ("{", "[") and _is_json(text):
        return "application/json"
    guessed = mimetypes.guess_type(filename or "")[0] or ""
    if guessed in ("text/csv", "text/markdown", "text/tab-separated-values", "text/calendar", "text/vcard"):
        return guessed
    return "text/plain"


def _as_text(content: bytes) -> str | None:
    sample = content[:TEXT_SAMPLE]
    if b"\x00" in sample:
        return None
    try:
        return sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3 and len(content) > TEXT_SAMPLE:  # a character cut by the sample's end
            return sample[:exc.start].decode("utf-8")
        return None


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True
