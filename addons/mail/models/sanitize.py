"""Sanitising the HTML bodies of messages and mails: an allow-list, applied with lxml.

lxml's own cleaner (``lxml.html.clean``) was split out of lxml into a separate
package; rather than depend on it, the few rules a chatter needs are written
here as an allow-list: tags outside it are unwrapped (their text kept), except
``script``, ``style`` and the like whose content is dropped too; attributes
outside the list are removed; ``href``/``src`` keep only http(s), mailto, tel
and relative addresses (no ``javascript:``, no ``data:``).
"""

from __future__ import annotations

import html

import lxml.html
from lxml import etree

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "i", "img", "li", "ol", "p", "pre", "s", "small", "span", "strong", "sub", "sup", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "u", "ul",
})
# tags whose content is dropped with them (never shown as text)
DROPPED_TAGS = frozenset({"script", "style", "iframe", "object", "embed", "noscript", "template", "head", "title",
                          "frame", "frameset", "applet", "form", "input", "button", "select", "textarea", "svg",
                          "math", "meta", "link", "base"})
ALLOWED_ATTRIBUTES = frozenset({"href", "src", "alt", "title", "colspan", "rowspan", "class", "target", "width",
                                "height"})
URL_ATTRIBUTES = frozenset({"href", "src"})
SAFE_SCHEMES = ("http://", "https://", "mailto:", "tel:", "/", "#")


def sanitize_html(value: str | bool | None) -> str:
    """Return ``value`` with only the allowed tags and attributes; plain text comes back escaped."""
    if not value:
        return ""
    text = str(value)
    if "<" not in text:
        return html.escape(text).replace("\n", "<br>")
    try:
        fragments = lxml.html.fragments_fromstring(text)
    except (etree.ParserError, ValueError):
        return html.escape(text)
    root = lxml.html.Element("div")
    for fragment in fragments:
        if isinstance(fragment, str):
            _append_text(root, fragment)
        else:
            root.append(fragment)
    _clean(root)
    inner = (html.escape(root.text) if root.text else "") + "".join(
        lxml.html.tostring(child, encoding="unicode") for child in root)
    return inner


def _append_text(root: etree._Element, text: str) -> None:
    if len(root):
        root[-1].tail = (root[-1].tail or "") + text
    else:
        root.text = (root.text or "") + text


def _clean(element: etree._Element) -> None:
    for child in list(element):
        if not isinstance(child.tag, str) or child.tag.lower() in DROPPED_TAGS:
            child.drop_tree() if isinstance(child, lxml.html.HtmlElement) else element.remove(child)
            continue
        _clean(child)
        if child.tag.lower() not in ALLOWED_TAGS:
            child.drop_tag()
            continue
        for attribute in list(child.attrib):
            value = child.attrib[attribute].strip()
            if attribute.lower() not in ALLOWED_ATTRIBUTES or (
                    attribute.lower() in URL_ATTRIBUTES and not value.lower().startswith(SAFE_SCHEMES)):
                del child.attrib[attribute]
        if child.tag.lower() == "a" and child.get("target"):
            child.set("rel", "noopener noreferrer")


def html_to_text(value: str | bool | None) -> str:
    """The text of an HTML body (for plain-text mail parts and summaries)."""
    if not value:
        return ""
    try:
        return lxml.html.fromstring(str(value)).text_content().strip()
    except (etree.ParserError, ValueError):
        return str(value)
