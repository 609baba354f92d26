"""Odoo's view inheritance: parse an arch safely, locate a node, apply inheritance specs.

Addons extend each other's screens with the XML integrators write for Odoo, so
this follows Odoo's server (``odoo/tools/template_inheritance.py``) spec for
spec: the ``xpath`` (with ``hasclass()``), ``field`` and tag+attributes
locators; the positions, one small function each in ``_POSITIONS``;
``position="move"`` children; ``<data>`` wrappers (a nested one is queued
after its siblings); and the text rules (new content takes over the
indentation found where it goes, the spec's text leads it, the located node's
tail stays put).  Where the server loses words or crashes, this code differs:

* ``replace`` keeps non-blank text (the spec's text, the replaced node's tail)
  as Odoo's web client does; whitespace goes, as on the server;
* ``$0`` may be indented (as in Odoo's documentation) and its copy leaves the
  node's tail outside the wrapper;
* the tag+attributes locator ignores ``position``, ``version`` and ``mode``
  (so ``mode="inner"`` works with it); ``version`` must match the root's;
* impossible operations (before the root, moving a node into itself) raise
  :class:`~kernel.exceptions.ViewError` instead of corrupting the arch.

Nothing passed in is modified: :func:`apply_inheritance` returns a new tree;
:func:`locate_node` returns a node of the tree it was given.
"""

from __future__ import annotations

import copy
import re
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Final
from xml.sax.saxutils import quoteattr

from lxml import etree

from ..exceptions import ViewError
from ..safe_xml import UnsafeXMLError, parse_xml

#: What the public functions accept as an arch or a spec: XML text or a parsed element.
ArchLike = str | bytes | etree._Element

_Handler = Callable[[etree._Element, etree._Element, etree._Element], etree._Element]

_XML_SPACE: Final = "{http://www.w3.org/XML/1998/namespace}space"
_TRAILING_INDENT: Final = re.compile(r"\n[ \t]*$")
_SENTINEL: Final = "sentinel"
_PLACEHOLDER: Final = "$0"
#: Spec attributes that steer the spec; the generic locator does not look for them on nodes.
_CONTROL_ATTRIBUTES: Final = frozenset({"position", "version", "mode"})
#: Attributes holding Python expressions: ``add``/``remove`` join them with ``and``/``or``.
_EXPRESSION_ATTRIBUTES: Final = frozenset(
    {"readonly", "required", "invisible", "column_invisible", "t-if", "t-elif"}
)
_ATTRIBUTE_KEYS: Final = frozenset({"name", "add", "remove", "separator"})
_DESCRIPTION_LIMIT: Final = 200


# -- parsing ---------------------------------------------------------------


def parse_arch(text: str | bytes, *, keep_whitespace: bool = False) -> etree._Element:
    """Parse an arch with the kernel's safe parser (:func:`kernel.safe_xml.parse_xml`).

    Whitespace-only text spanning lines (indentation) is dropped unless
    ``keep_whitespace`` or ``xml:space="preserve"`` says otherwise, so archs
    compare by structure.  Returns the root of a new tree.
    """
    try:
        root = parse_xml(text)
    except UnsafeXMLError as exc:
        raise ViewError(f"arch refused: {exc}; views may not declare DTDs or entities") from None
    except etree.XMLSyntaxError as exc:
        raise ViewError(f"invalid arch: {exc}") from exc
    if not keep_whitespace:
        _drop_indentation(root)
    return root


def _drop_indentation(root: etree._Element) -> None:
    """Remove whitespace-only text and tails that contain a line break, honouring xml:space."""
    stack = [(root, False)]
    while stack:
        element, preserve = stack.pop()
        space = element.get(_XML_SPACE)
        if space is not None:
            preserve = space == "preserve"
        if not preserve and _is_indentation(element.text):
            element.text = None
        for child in element:
            if not preserve and _is_indentation(child.tail):
                child.tail = None
            if isinstance(child.tag, str):
                stack.append((child, preserve))


def _is_indentation(text: str | None) -> bool:
    return text is not None and "\n" in text and not text.strip()


def _element(value: ArchLike, what: str) -> etree._Element:
    """The element itself, or a parsed string."""
    if isinstance(value, etree._Element):
        return value
    if isinstance(value, (str, bytes)):
        return parse_arch(value)
    raise TypeError(f"{what} must be XML text or an lxml element, not {type(value).__name__}")


def _private_copy(value: ArchLike, what: str) -> etree._Element:
    """A tree of our own: a parsed string, or a deep copy of an element (source lines kept)."""
    if isinstance(value, etree._Element):
        duplicate = copy.deepcopy(value)
        duplicate.tail = None
        return duplicate
    return _element(value, what)


# -- locating --------------------------------------------------------------


def locate_node(arch: ArchLike, spec: ArchLike) -> etree._Element | None:
    """The first node of ``arch`` that ``spec`` designates, or None.

    Given an element, the node returned belongs to that very tree, so the
    caller may edit it; given text, it belongs to a freshly parsed tree.  An
    xpath is evaluated with ``arch`` as the context node (absolute paths start
    at its document's root, so pass a root element).
    """
    return _locate(_element(arch, "arch"), _element(spec, "spec"))


def _locate(root: etree._Element, spec: etree._Element) -> etree._Element | None:
    locator = _LOCATORS.get(spec.tag, _by_tag_and_attributes)
    return locator(root, spec)


def _by_xpath(root: etree._Element, spec: etree._Element) -> etree._Element | None:
    """``<xpath expr="...">``: the first element the expression selects."""
    expr = spec.get("expr")
    if not expr:
        raise _spec_error("an <xpath> spec needs an expr attribute", spec)
    try:
        found = etree.ETXPath(expr, extensions={(None, "hasclass"): _hasclass})(root)
    except etree.XPathError as exc:
        raise _spec_error(f"invalid xpath expression {expr!r} ({exc})", spec) from exc
    if not isinstance(found, list):
        raise _spec_error(f"xpath {expr!r} must select elements, it gives {found!r}", spec)
    if not found:
        return None
    first = found[0]
    if not isinstance(first, etree._Element) or not isinstance(first.tag, str):
        raise _spec_error(f"xpath {expr!r} must select an element, it selected {first!r}", spec)
    return first


def _by_field_name(root: etree._Element, spec: etree._Element) -> etree._Element | None:
    """``<field name="x">``: the first field of that name at any depth; nothing else counts."""
    name = spec.get("name")
    return next((node for node in root.iter("field") if node.get("name") == name), None)


def _by_tag_and_attributes(root: etree._Element, spec: etree._Element) -> etree._Element | None:
    """Any other tag: the first node with that tag carrying all the spec's own attributes."""
    version = spec.get("version")
    if version is not None and version != root.get("version"):
        return None
    wanted = [(key, value) for key, value in spec.attrib.items() if key not in _CONTROL_ATTRIBUTES]
    for node in root.iter(spec.tag):
        if all(node.get(key) == value for key, value in wanted):
            return node
    return None


def _hasclass(context: object, *classes: str) -> bool:
    """XPath ``hasclass('a', 'b')``: the context node has all these classes (Odoo's extension)."""
    node = getattr(context, "context_node", None)
    if not isinstance(node, etree._Element) or not isinstance(node.tag, str):
        return False
    return set(classes) <= set((node.get("class") or "").split())


_Locator = Callable[[etree._Element, etree._Element], "etree._Element | None"]
_LOCATORS: Final[Mapping[object, _Locator]] = MappingProxyType(
    {"xpath": _by_xpath, "field": _by_field_name}
)


# -- applying --------------------------------------------------------------


def apply_inheritance(
    arch: ArchLike, specs: ArchLike | Iterable[ArchLike]
) -> etree._Element:
    """Apply inheriting archs to ``arch``, in order, and return the combined arch.

    Each item of ``specs`` is one inheriting view's arch: a single spec, or a
    ``<data>`` holding several.  Text is read with :func:`parse_arch`; elements
    are copied (their whitespace and source lines kept), so neither ``arch``
    nor the specs are modified.  The result is a new tree, with a new root when
    a spec replaces the root.  Raises :class:`ViewError` for a spec that
    cannot be located or applied.
    """
    root = _private_copy(arch, "arch")
    items = [specs] if isinstance(specs, (str, bytes, etree._Element)) else list(specs)
    for item in items:
        root = _apply_view(root, _private_copy(item, "spec"))
    return root


def _apply_view(root: etree._Element, spec_root: etree._Element) -> etree._Element:
    """Apply one inheriting arch; ``<data>`` children are queued after the specs already waiting."""
    queue = deque([spec_root])
    while queue:
        spec = queue.popleft()
        if not isinstance(spec.tag, str):  # comments and processing instructions
            continue
        if spec.tag == "data":
            queue.extend(spec)
            continue
        root = _apply_spec(root, spec)
    return root


def _apply_spec(root: etree._Element, spec: etree._Element) -> etree._Element:
    position = spec.get("position", "inside")
    handler = _POSITIONS.get(position)
    if handler is None:
        hint = ' (position="move" belongs on a child of another spec)' if position == "move" else ""
        expected = ", ".join(sorted(_POSITIONS))
        raise _spec_error(f"invalid position {position!r}{hint}; expected one of {expected}", spec)
    node = _locate(root, spec)
    if node is None:
        raise _spec_error("element cannot be located in the parent view", spec)
    return handler(root, node, spec)


def _inside(root: etree._Element, node: etree._Element, spec: etree._Element) -> etree._Element:
    """Append the spec's content at the end of the node."""
    sentinel = etree.SubElement(node, _SENTINEL)
    _insert_before(root, sentinel, spec)
    _remove_keeping_tail(sentinel)
    return root


def _after(root: etree._Element, node: etree._Element, spec: etree._Element) -> etree._Element:
    """Insert the spec's content right after the node; the node's tail follows the new content."""
    _require_parent(node, spec)
    sentinel = etree.Element(_SENTINEL)
    node.addnext(sentinel)
    sentinel.tail, node.tail = node.tail, None
    _insert_before(root, sentinel, spec)
    _remove_keeping_tail(sentinel)
    return root


def _before(root: etree._Element, node: etree._Element, spec: etree._Element) -> etree._Element:
    """Insert the spec's content right before the node."""
    _require_parent(node, spec)
    _insert_before(root, node, spec)
    return root


def _replace(root: etree._Element, node: etree._Element, spec: etree._Element) -> etree._Element:
    """Replace the node (``mode="outer"``, default) or only its content (``mode="inner"``)."""
    mode = spec.get("mode", "outer")
    handler = _REPLACE_MODES.get(mode)
    if handler is None:
        raise _spec_error(f"invalid mode {mode!r}; expected one of inner, outer", spec)
    return handler(root, node, spec)


def _replace_outer(
    root: etree._Element, node: etree._Element, spec: etree._Element
) -> etree._Element:
    """Put the spec's children in place of the node; ``$0`` stands for a copy of the node."""
    _fill_placeholders(spec, node)
    if node.getparent() is None:
        return _new_root(node, spec)
    if _has_words(spec.text):
        _append_text_before(node, spec.text)
    for child in list(spec):
        if _is_move(child):
            child = _extract(root, child, node)
        node.addprevious(child)
    if _has_words(node.tail):
        _append_text_before(node, node.tail)
    node.tail = None
    node.getparent().remove(node)
    return root


def _replace_inner(
    root: etree._Element, node: etree._Element, spec: etree._Element
) -> etree._Element:
    """Replace the node's text and children by the spec's, keeping the node and its attributes."""
    sentinel = etree.Element(_SENTINEL)
    if len(node):
        node[0].addprevious(sentinel)
    else:
        node.append(sentinel)
    node.text = None
    _insert_before(root, sentinel, spec)
    children = list(node)
    start = next(index for index, child in enumerate(children) if child is sentinel)
    for old in children[start:]:  # the sentinel, then the old content (tails go along)
        node.remove(old)
    return root


def _attributes(root: etree._Element, node: etree._Element, spec: etree._Element) -> etree._Element:
    """Set, remove or edit the node's attributes as the spec's ``<attribute>`` elements say."""
    for item in spec.iterdescendants("attribute"):
        _edit_attribute(node, item)
    return root


_POSITIONS: Final[Mapping[str, _Handler]] = MappingProxyType(
    {
        "inside": _inside,
        "after": _after,
        "before": _before,
        "replace": _replace,
        "attributes": _attributes,
    }
)
_REPLACE_MODES: Final[Mapping[str, _Handler]] = MappingProxyType(
    {"outer": _replace_outer, "inner": _replace_inner}
)


# -- text, tails and moves ---------------------------------------------------


def _insert_before(root: etree._Element, anchor: etree._Element, spec: etree._Element) -> None:
    """Put the spec's text and children just before ``anchor`` (Odoo's stripped insertion).

    The whitespace before the anchor is cut at the end, the spec's text is
    glued there, and the indentation that was cut (a line break and spaces)
    ends the last inserted child's tail, so the anchor keeps its indentation.
    """
    text = spec.text or ""
    previous = anchor.getprevious()
    if previous is None:
        parent = anchor.getparent()
        indent = _trailing_indent(parent.text)
        joined = (parent.text or "").rstrip() + text
        parent.text = joined if joined or spec.text is not None else None
    else:
        indent = _trailing_indent(previous.tail)
        previous.tail = (previous.tail or "").rstrip() + text
    children = list(spec)
    if children:
        children[-1].tail = (children[-1].tail or "").rstrip() + indent
    for child in children:
        if _is_move(child):
            tail = child.tail
            child = _extract(root, child, anchor)
            child.tail = tail
        anchor.addprevious(child)


def _extract(root: etree._Element, spec: etree._Element, anchor: etree._Element) -> etree._Element:
    """Detach the node a ``position="move"`` spec designates; its tail stays where it was."""
    if len(spec):
        raise _spec_error('a position="move" spec cannot have content', spec)
    node = _locate(root, spec)
    if node is None:
        raise _spec_error("element to move cannot be located in the parent view", spec)
    if node is anchor or any(ancestor is node for ancestor in anchor.iterancestors()):
        raise _spec_error("cannot move a node next to or into itself", spec)
    _remove_keeping_tail(node)
    return node


def _remove_keeping_tail(node: etree._Element) -> None:
    """Remove ``node`` from its tree but leave its tail text in place."""
    tail, node.tail = node.tail, None
    if tail is not None:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent = node.getparent()
            parent.text = (parent.text or "").rstrip() + tail
    node.getparent().remove(node)


def _append_text_before(node: etree._Element, text: str) -> None:
    """Append ``text`` to the text preceding ``node`` (a sibling's tail or the parent's text)."""
    previous = node.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent = node.getparent()
        parent.text = (parent.text or "") + text


def _fill_placeholders(spec: etree._Element, node: etree._Element) -> None:
    """Replace each ``$0`` text in the spec's content by a copy of the located node."""
    holders = [
        holder
        for holder in spec.iterdescendants()
        if isinstance(holder.tag, str) and (holder.text or "").strip() == _PLACEHOLDER
    ]
    for holder in holders:
        holder.text = None
        duplicate = copy.deepcopy(node)
        duplicate.tail = None
        holder.append(duplicate)


def _new_root(node: etree._Element, spec: etree._Element) -> etree._Element:
    """Replacing the root: the spec's first element becomes the arch (Odoo keeps ``t-name``)."""
    comment = None
    for child in spec:
        if child.tag is etree.Comment:
            comment = child
        elif isinstance(child.tag, str):
            break
    else:
        raise _spec_error("replacing the root node needs an element to replace it with", spec)
    new_root = copy.deepcopy(child)
    new_root.tail = None
    if node.get("t-name"):
        new_root.set("t-name", node.get("t-name"))
    if comment is not None:  # Odoo keeps the comment before the new root, inside it
        comment.tail, new_root.text = new_root.text, None
        new_root.insert(0, comment)
    return new_root


def _trailing_indent(text: str | None) -> str:
    found = _TRAILING_INDENT.search(text) if text else None
    return found.group(0) if found else ""


def _has_words(text: str | None) -> bool:
    return bool(text and text.strip())


def _is_move(child: etree._Element) -> bool:
    return isinstance(child.tag, str) and child.get("position") == "move"


def _require_parent(node: etree._Element, spec: etree._Element) -> None:
    if node.getparent() is None:
        raise _spec_error(f"cannot insert {spec.get('position')} the root node", spec)


# -- attributes ------------------------------------------------------------


def _edit_attribute(node: etree._Element, item: etree._Element) -> None:
    """Apply one ``<attribute name="x">``: set its text, remove (empty), or add/remove values."""
    unknown = sorted(
        key for key in item.attrib if key not in _ATTRIBUTE_KEYS and not key.startswith("data-oe-")
    )
    if unknown:
        raise _spec_error(f"unknown attributes {', '.join(unknown)} on <attribute>", item)
    name = item.get("name")
    if not name:
        raise _spec_error("an <attribute> needs a name", item)
    add, remove = item.get("add", ""), item.get("remove", "")
    if add or remove:
        if _has_words(item.text):
            raise _spec_error("an <attribute> with add or remove cannot also have text", item)
        separator = item.get("separator")
        current = node.get(name, "")
        if name in _EXPRESSION_ATTRIBUTES or name.startswith("decoration-"):
            value = _edit_expression(current, add, remove, separator, item)
        else:
            value = _edit_list(current, add, remove, separator, item)
    else:
        value = item.text or ""
    if value:
        node.set(name, value)
    elif name in node.attrib:
        del node.attrib[name]


def _edit_list(
    current: str, add: str, remove: str, separator: str | None, item: etree._Element
) -> str:
    """Edit a list-like value (``class``, ``groups``...): drop ``remove``'s items, append ``add``'s.

    The separator defaults to ``,``; a single space means "any whitespace".
    """
    if separator == "":
        raise _spec_error("an <attribute> separator cannot be empty", item)
    split_on = None if separator == " " else (separator or ",")
    joiner = split_on or " "
    removed = {part.strip() for part in remove.split(split_on)}
    parts = (part.strip() for part in current.split(split_on))
    kept = [part for part in parts if part and part not in removed]
    added = [part for part in (p.strip() for p in add.split(split_on)) if part]
    return joiner.join(kept + added)


def _edit_expression(
    current: str, add: str, remove: str, separator: str | None, item: etree._Element
) -> str:
    """Edit a Python expression (``invisible``...): operands are joined with ``and`` or ``or``."""
    operator = (separator or "").strip()
    if operator not in ("and", "or"):
        raise _spec_error(
            f"attribute {item.get('name')!r} holds an expression: its separator must be "
            f"'and' or 'or', not {separator!r}",
            item,
        )
    if remove:
        current = _remove_operand(current, remove, operator)
    if add:
        current = f"({current}) {operator} ({add})" if current else add
    return current


def _remove_operand(expression: str, operand: str, operator: str) -> str:
    """Remove the first occurrence of ``operand`` joined by ``operator``, as Odoo matches it."""
    if re.fullmatch(rf"\(*{re.escape(operand)}\)*", expression):
        return ""
    for pattern in (
        f"({operand}) {operator} ",
        f" {operator} ({operand})",
        f"{operand} {operator} ",
        f" {operator} {operand}",
    ):
        index = expression.find(pattern)
        if index != -1:
            return expression[:index] + expression[index + len(pattern):]
    return expression


# -- errors ----------------------------------------------------------------


def _spec_error(message: str, spec: etree._Element) -> ViewError:
    """A ViewError naming the spec (its opening tag) and its source line when known."""
    attributes = "".join(f" {key}={quoteattr(value)}" for key, value in spec.attrib.items())
    described = f"<{spec.tag}{attributes}>"
    if len(described) > _DESCRIPTION_LIMIT:
        described = described[: _DESCRIPTION_LIMIT - 4] + "...>"
    line = f" (line {spec.sourceline})" if spec.sourceline else ""
    return ViewError(f"{message}: {described}{line}")
