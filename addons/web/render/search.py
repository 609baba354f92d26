"""The search panel: what a search view offers and the domain, grouping and chips a query string makes.

The query string is the state (``q`` text, ``f`` filter names, ``g`` group-by
field, ``cf`` custom filters ``field|operator|value``), so every search is a
link that can be bookmarked and goes back with the browser.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from lxml import etree
from werkzeug.datastructures import MultiDict

from kernel.data.safe_eval import safe_eval
from kernel.exceptions import UserError
from kernel.orm.env import Environment
from kernel.views.menus import evaluate

CUSTOM_OPERATORS = ("=", "!=", "ilike", "not ilike", ">", ">=", "<", "<=", "set", "not set")
SEARCHABLE_TYPES = ("char", "text", "integer", "float", "monetary", "date", "datetime", "boolean", "selection",
                    "many2one", "many2many", "one2many")


@dataclass
class Filter:
    name: str
    label: str
    domain: list[Any]
    group: int


@dataclass
class SearchView:
    """What the search view declares: filters (in separator groups), group-by options and searchable fields."""

    filters: dict[str, Filter] = field(default_factory=dict)
    group_bys: dict[str, str] = field(default_factory=dict)
    text_domain: str | None = None


@dataclass
class SearchState:
    """The search a query string describes, as a domain and as chips for the panel."""

    domain: list[Any]
    group_by: str | None
    chips: list[tuple[str, str, str]]  # (label, query-string key, value) of each facet


def parse_search_view(env: Environment, arch: str, fields: dict[str, dict[str, Any]]) -> SearchView:
    view = SearchView()
    group = 0
    for node in etree.fromstring(arch).iter():
        if node.tag == "separator":
            group += 1
        elif node.tag == "field" and view.text_domain is None and node.get("filter_domain"):
            view.text_domain = node.get("filter_domain")
        elif node.tag == "filter" and node.get("name"):
            context = evaluate(env, node.get("context"), {}, f"filter {node.get('name')!r} context")
            label = node.get("string") or node.get("name")
            if context.get("group_by"):
                view.group_bys[context["group_by"]] = label
            else:
                domain = evaluate(env, node.get("domain"), [], f"filter {node.get('name')!r} domain")
                view.filters[node.get("name")] = Filter(node.get("name"), label, domain, group)
    return view


def _or(domains: list[list[Any]]) -> list[Any]:
    return ["|"] * (len(domains) - 1) + [term for domain in domains for term in domain]


def custom_term(fields: dict[str, dict[str, Any]], text: str) -> tuple[list[Any], str]:
    """The domain and the label of a custom filter ``field|operator|value``; anything unknown is refused by name."""
    name, _, rest = text.partition("|")
    operator, _, value = rest.partition("|")
    description = fields.get(name)
    if description is None or description.get("type") not in SEARCHABLE_TYPES:
        raise UserError(f"custom filter: {name!r} is not a searchable field", code="SEARCH_FIELD_UNKNOWN")
    if operator not in CUSTOM_OPERATORS:
        raise UserError(f"custom filter: operator {operator!r} is not one of {', '.join(CUSTOM_OPERATORS)}",
                        code="SEARCH_OPERATOR_UNKNOWN")
    label = description.get("string") or name
    if operator in ("set", "not set"):
        return [(name, "!=" if operator == "set" else "=", False)], f"{label} is {operator}"
    typed: Any = value
    kind = description["type"]
    try:
        if kind == "integer":
            typed = int(value)
        elif kind in ("float", "monetary"):
            typed = float(value)
        elif kind == "boolean":
            typed = value.lower() in ("1", "true", "yes")
    except ValueError:
        raise UserError(f"custom filter: {value!r} is not a number for {label}", code="SEARCH_VALUE_INVALID") from None
    if kind in ("many2one", "many2many", "one2many") and operator in ("=", "!="):
        operator = "ilike" if operator == "=" else "not ilike"
    return [(name, operator, typed)], f"{label} {operator} {value}"


def search_state(view: SearchView, fields: dict[str, dict[str, Any]], rec_name: str, args: MultiDict,
                 translate: Callable[..., str]) -> SearchState:
    """The domain and chips (labels in the user's language, through ``translate``) of the request's query
    string; unknown filters or groupings are refused by name."""
    domain: list[Any] = []
    chips: list[tuple[str, str, str]] = []
    text = args.get("q", "").strip()
    if text:
        if view.text_domain:
            domain += evaluate_text_domain(view.text_domain, text)
        else:
            domain += [(rec_name, "ilike", text)]
        chips.append((translate("Search: %(text)s", text=text), "q", text))
    by_group: dict[int, list[list[Any]]] = {}
    for name in args.getlist("f"):
        chosen = view.filters.get(name)
        if chosen is None:
            raise UserError(f"unknown filter {name!r}; this view offers {', '.join(view.filters) or 'none'}",
                            code="SEARCH_FILTER_UNKNOWN")
        by_group.setdefault(chosen.group, []).append(chosen.domain)
        chips.append((chosen.label, "f", name))
    for domains in by_group.values():
        domain += _or(domains)
    for text_filter in filter(None, args.getlist("cf")):
        term, label = custom_term(fields, text_filter)
        domain += term
        chips.append((label, "cf", text_filter))
    group_by = args.get("g") or None
    if group_by:
        if group_by not in fields or fields[group_by].get("type") in ("one2many", "many2many", "binary"):
            raise UserError(f"cannot group by {group_by!r}: not a groupable field of this model", code="SEARCH_GROUP_UNKNOWN")
        label = view.group_bys.get(group_by) or fields[group_by].get("string") or group_by
        chips.append((translate("Group by: %(field)s", field=label), "g", group_by))
    return SearchState(domain, group_by, chips)


def evaluate_text_domain(filter_domain: str, text: str) -> list[Any]:
    return list(safe_eval(filter_domain, {"self": text}))


TRANSIENT_KEYS = ("page", "notice", "warning")


def replacing(args: MultiDict, **changes: object) -> str:
    """The query string of ``args`` with these keys set to one value each (back to the first page)."""
    pairs = [(k, v) for k, v in args.items(multi=True) if k not in changes and k not in TRANSIENT_KEYS]
    return urlencode(pairs + [(k, str(v)) for k, v in changes.items() if v is not None])


def adding(args: MultiDict, key: str, value: str) -> str:
    """The query string of ``args`` with one more value of a repeated key (a filter)."""
    pairs = [(k, v) for k, v in args.items(multi=True) if k not in TRANSIENT_KEYS]
    return urlencode([*pairs, (key, value)])


def without(args: MultiDict, key: str, value: str) -> str:
    """The query string of ``args`` without one chip (and back to the first page)."""
    pairs = [(k, v) for k, v in args.items(multi=True) if not (k == key and v == value) and k != "page"]
    return urlencode(pairs)
