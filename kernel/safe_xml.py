"""The one XML parser of the kernel: views, data files and catalogue extraction all read XML through it.

XML comes from addons and users, so a DTD (the carrier of "billion laughs"
and external entities) is refused before the parser reads it, entities are
never expanded, nothing is fetched over the network and huge trees are
refused.
"""

from __future__ import annotations

from lxml import etree


class UnsafeXMLError(ValueError):
    """The document declares a DTD or entities; ``doctype`` names the declaration when there is one."""

    def __init__(self, doctype: str | None = None):
        super().__init__(f"it declares a DTD ({doctype})" if doctype else "it declares a DTD or entities")
        self.doctype = doctype


def parse_xml(data: str | bytes, *, remove_comments: bool = False) -> etree._Element:
    """The root element of ``data``; lines are kept (``sourceline``) for error messages.

    Raises :class:`UnsafeXMLError` for a DTD or entity, ``lxml.etree.XMLSyntaxError``
    (with ``lineno``) for text that is not well-formed XML.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    encoding = "utf-8" if isinstance(data, str) else None
    try:
        etree.fromstring(raw, _parser(encoding, remove_comments, target=_PrologGuard()))
    except _PrologRead as read:
        if read.doctype:
            raise UnsafeXMLError(read.doctype) from None
    root = etree.fromstring(raw, _parser(encoding, remove_comments))
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or any(root.iter(etree.Entity)):
        raise UnsafeXMLError()
    return root


def _parser(encoding: str | None, remove_comments: bool, target: object = None) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False,
        collect_ids=False, remove_comments=remove_comments, encoding=encoding, target=target,
    )


class _PrologRead(Exception):
    """The prolog guard stopped: on a DOCTYPE (``doctype`` says which) or at the root."""

    def __init__(self, doctype: str | None = None):
        super().__init__(doctype)
        self.doctype = doctype


class _PrologGuard:
    """Parser target reading the prolog only: it stops at a DOCTYPE, before its entities are
    read, or at the root's start tag, after which no DOCTYPE may come."""

    def doctype(self, name: str, public_id: str | None, system_url: str | None) -> None:
        raise _PrologRead(f"<!DOCTYPE {name}{f' {system_url!r}' if system_url else ''} ...>")

    def start(self, tag: str, attrib: object, nsmap: object = None) -> None:
        raise _PrologRead()

    def close(self) -> None:
        return None
