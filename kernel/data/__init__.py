"""Loading an addon's data files (XML and CSV), in manifest order, into the database."""

from __future__ import annotations

from ..manifest import Manifest
from ..orm.env import Environment
from ..views.validation import check_views
from .csv_loader import load_csv
from .records import LoadContext, Mode, remove_addon_data, remove_vanished
from .xml_loader import load_xml

LOADERS = {".xml": load_xml, ".csv": load_csv}


def load_files(env: Environment, manifest: Manifest, files: tuple[str, ...], mode: Mode,
               loaded: set[str] | None = None) -> set[str]:
    """Load ``files`` (paths relative to the addon) in order; returns the external ids seen.

    The views loaded are checked against their models at the end (see
    :func:`kernel.views.check_views`), so a view naming an unknown field fails the load.
    """
    ctx = LoadContext(env, manifest.addon, mode, manifest.path, loaded=loaded if loaded is not None else set())
    for relative in files:
        ctx.file = relative
        path = (manifest.path / relative).resolve()
        loader = LOADERS.get(path.suffix.lower())
        if loader is None:
            raise ctx.error(f"unsupported data file type {path.suffix!r} (XML and CSV are supported)")
        if not path.is_relative_to(manifest.path.resolve()) or not path.is_file():
            raise ctx.error("file not found in the addon")
        loader(ctx, path)
    check_views(env, ctx.view_ids)
    return ctx.loaded


__all__ = ["LoadContext", "load_files", "remove_addon_data", "remove_vanished"]
