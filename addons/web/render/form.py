"""Form views: the combined arch walked into HTML, with a widget per field type and the modifiers evaluated.

``invisible``, ``readonly`` and ``required`` are literal (``"1"``) or
expressions on the record's values (``"not is_vendor"``), evaluated here by the
safe evaluator; conditional ones also go to the page, compiled into a JSON tree
(:mod:`.conditions`), as ``data-*`` attributes that the script re-evaluates
while the user edits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from markupsafe import Markup, escape

from kernel.data.safe_eval import UnsafeExpression, safe_eval
from kernel.exceptions import UserError

from .conditions import condition_json
from .one2many import editable_columns, render_lines
from .values import can_quick_create, image_src, input_value

# tags of the arch kept as they are (with their class), anything else unknown is left out
PLAIN_TAGS = frozenset({"div", "span", "p", "h1", "h2", "h3", "h4", "strong", "em", "small", "br", "hr"})
MODIFIERS = ("invisible", "readonly", "required")


def modifier_names(record_values: dict[str, Any]) -> dict[str, Any]:
    """What a modifier expression may use: each field's value (records as ids), plus ``True``/``False``."""
    names: dict[str, Any] = {}
    for name, value in record_values.items():
        if isinstance(value, tuple) and len(value) == 2:
            value = value[0]
        elif isinstance(value, list):
            value = [item[0] if isinstance(item, tuple) else item for item in value]
        names[name] = value
    return names


def evaluate_modifier(expression: str | None, names: dict[str, Any]) -> bool:
    if expression is None or expression.strip() in ("", "0", "False"):
        return False
    if expression.strip() in ("1", "True"):
        return True
    try:
        return bool(safe_eval(expression, names))
    except (UnsafeExpression, NameError, KeyError, TypeError, ValueError) as exc:
        raise UserError(f"view modifier {expression!r} cannot be evaluated: {exc}", code="VIEW_MODIFIER") from None


def is_literal(expression: str | None) -> bool:
    return expression is None or expression.strip() in ("", "0", "1", "True", "False")


@dataclass
class FormRenderer:
    """Renders one form arch for one record; collects the fields the user may edit (what a save reads)."""

    fields: dict[str, dict[str, Any]]
    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    editable: dict[str, str] = field(default_factory=dict)  # field name -> widget
    buttons: set[str] = field(default_factory=set)
    required: set[str] = field(default_factory=set)  # editable fields required and visible with these values
    env: Any = None
    subfields: dict[str, dict[str, Any]] = field(default_factory=dict)  # one2many field -> its comodel's fields
    lines: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # one2many field -> its lines' values
    line_columns: dict[str, list[str]] = field(default_factory=dict)  # one2many field -> columns edited inline
    cancel_url: str = ""  # in a dialog: where its Cancel button (``special="cancel"``) goes

    def __post_init__(self) -> None:
        self.names = modifier_names(self.values)
        self.tab_count = 0

    def render(self, arch: str) -> Markup:
        return self.children(etree.fromstring(arch))

    def children(self, node: Any, in_group: bool = False) -> Markup:
        return Markup("").join(self.node(child, in_group) for child in node if isinstance(child.tag, str))

    # -- nodes ------------------------------------------------------------------------------------

    def node(self, node: Any, in_group: bool) -> Markup:
        invisible = node.get("invisible")
        if invisible is not None and is_literal(invisible) and evaluate_modifier(invisible, self.names):
            if node.tag == "field":
                self.editable.pop(node.get("name"), None)
            return Markup("")
        tag = node.tag
        if tag == "field":
            return self.field(node, in_group)
        if tag == "button":
            return self.button(node)
        if tag == "sheet":
            return Markup('<div class="sheet">%s</div>') % self.children(node)
        if tag == "header":
            return Markup('<div class="form-header">%s</div>') % self.children(node)
        if tag == "footer":
            return Markup('<div class="form-footer">%s</div>') % self.children(node)
        if tag == "group":
            return self.group(node)
        if tag == "notebook":
            return self.notebook(node)
        if tag == "separator":
            return Markup('<h3 class="separator">%s</h3>') % (node.get("string") or "")
        if tag in PLAIN_TAGS:
            css = escape(node.get("class") or "")
            inner = escape(node.text or "") + self.children(node, in_group)
            return self.wrap(node, Markup(f'<{tag} class="{css}"') + Markup(">") + inner + Markup(f"</{tag}>"))
        return Markup("")

    def wrap(self, node: Any, html: Markup) -> Markup:
        """Conditionally invisible nodes get the expression and, when it holds now, ``hidden``."""
        expression = node.get("invisible")
        if expression is None or is_literal(expression):
            return html
        hidden = " hidden" if evaluate_modifier(expression, self.names) else ""
        return Markup('<div class="modifier" data-invisible="%s"%s>%s</div>') % (condition_json(expression), Markup(hidden), html)

    def group(self, node: Any) -> Markup:
        title = Markup("<h3>%s</h3>") % node.get("string") if node.get("string") else Markup("")
        nested = any(child.tag == "group" for child in node)
        css = "group-columns" if nested else "group"
        return self.wrap(node, Markup('<div class="%s" data-name="%s">%s%s</div>') % (
            css, node.get("name") or "", title, self.children(node, in_group=not nested)))

    def notebook(self, node: Any) -> Markup:
        pages = [page for page in node if page.tag == "page" and not (
            is_literal(page.get("invisible")) and evaluate_modifier(page.get("invisible"), self.names))]
        tabs, panels = [], []
        # a page whose invisible condition holds now is hidden (conditions.js follows the user's edits)
        shown = [not (page.get("invisible") and evaluate_modifier(page.get("invisible"), self.names)) for page in pages]
        first = shown.index(True) if True in shown else -1
        for index, page in enumerate(pages):
            self.tab_count += 1
            tab_id, panel_id = f"tab-{self.tab_count}", f"panel-{self.tab_count}"
            selected = "true" if index == first else "false"
            condition = page.get("invisible")
            modifier = Markup(' data-invisible="%s"%s') % (condition_json(condition), Markup("" if shown[index] else " hidden")) \
                if condition else Markup("")
            tabs.append(Markup('<button type="button" role="tab" id="%s" aria-controls="%s" aria-selected="%s" '
                               'data-tab="%s"%s>%s</button>') % (tab_id, panel_id, selected, page.get("name") or "",
                                                                 modifier, page.get("string") or page.get("name") or ""))
            hidden = Markup("") if index == first else Markup(" hidden")
            panels.append(Markup('<div role="tabpanel" id="%s" aria-labelledby="%s" class="page" data-page="%s"%s>%s</div>')
                          % (panel_id, tab_id, page.get("name") or "", hidden, self.children(page)))
        return Markup('<div class="notebook"><div role="tablist" class="tabs">%s</div>%s</div>') % (
            Markup("").join(tabs), Markup("").join(panels))

    def button(self, node: Any) -> Markup:
        if node.get("special") == "cancel" and self.cancel_url:
            return Markup('<a class="button" href="%s" data-dialog-close>%s</a>') % (
                self.cancel_url, node.get("string") or self.env._("Cancel"))
        if node.get("type") != "object" or not node.get("name"):
            return Markup("")
        self.buttons.add(node.get("name"))
        css = escape(node.get("class") or "")
        return self.wrap(node, Markup('<button type="submit" class="object-button %s" name="__call" value="%s">%s</button>')
                         % (css, node.get("name"), node.get("string") or node.get("name")))

    # -- fields -----------------------------------------------------------------------------------

    def field(self, node: Any, in_group: bool) -> Markup:
        name = node.get("name")
        description = self.fields.get(name)
        if description is None:
            return Markup("")
        readonly = bool(description.get("readonly")) or evaluate_modifier(node.get("readonly"), self.names)
        required = bool(description.get("required")) or evaluate_modifier(node.get("required"), self.names)
        widget = node.get("widget") or description["type"]
        if not readonly:
            self.editable[name] = widget
            hidden = any(evaluate_modifier(each.get("invisible"), self.names) for each in [node, *node.iterancestors()])
            if required and not hidden and description["type"] != "boolean":
                self.required.add(name)
        if description["type"] == "one2many" and name in self.subfields:
            sub = next((child for child in node if child.tag in ("list", "tree")), None)
            columns = list(sub.iterchildren("field")) if sub is not None else []
            self.line_columns[name] = [] if readonly else editable_columns(columns, self.subfields[name])
            control = render_lines(self.env, name, node, self.subfields[name], self.lines.get(name, []), readonly)
        else:
            control = self.widget(name, description, widget, readonly, required, node)
        error = self.errors.get(name)
        label_text = node.get("string") or description.get("string") or name
        label_class = "" if in_group else ' class="visually-hidden"'
        label = Markup(f'<label for="field-{escape(name)}" id="label-{escape(name)}"{label_class}>') + escape(label_text) + \
            (Markup('<span class="required-mark" aria-hidden="true">*</span>') if required else Markup("")) + Markup("</label>")
        if description["type"] == "boolean" and not in_group:
            label = Markup(f'<label for="field-{escape(name)}">') + escape(label_text) + Markup("</label>")
        message = Markup('<p class="field-error" id="error-%s" role="alert">%s</p>') % (name, error) if error else Markup("")
        data = Markup("")
        for modifier in ("readonly", "required"):
            if not is_literal(node.get(modifier)):
                data += Markup(' data-%s="%s"') % (modifier, condition_json(node.get(modifier)))
        css = f"field field-{description['type']} {node.get('class') or ''}" + (" has-error" if error else "")
        return self.wrap(node, Markup('<div class="%s" data-field="%s"%s>%s<div class="control">%s%s</div></div>')
                         % (css, name, data, label, control, message))

    def widget(self, name: str, description: dict[str, Any], widget: str, readonly: bool, required: bool, node: Any) -> Markup:
        kind = description["type"]
        value = self.values.get(name)
        attrs = Markup(' id="field-%s" name="%s"') % (name, name)
        if readonly:
            attrs += Markup(" disabled")
        if required:
            attrs += Markup(' aria-required="true"')
        if name in self.errors:
            attrs += Markup(' aria-invalid="true" aria-describedby="error-%s"') % name
        if node.get("placeholder"):
            attrs += Markup(' placeholder="%s"') % node.get("placeholder")
        if kind == "boolean":
            checked = Markup(" checked") if value else Markup("")
            return Markup('<input type="checkbox" value="1"%s%s>') % (attrs, checked)
        if kind == "text" or kind == "html":
            return Markup("<textarea%s>%s</textarea>") % (attrs, value or "")
        if kind == "selection":
            return self.selection(name, description, widget, attrs, value, required, readonly)
        if kind == "many2one":
            label = value[1] if isinstance(value, tuple) else ""
            return Markup('<div class="m2o" data-model="%s" data-field="%s" data-domain="%s"%s><input type="hidden" name="%s" value="%s">'
                          '<input type="text" id="field-%s" value="%s" autocomplete="off" role="combobox" aria-expanded="false" '
                          'aria-autocomplete="list" data-m2o-input%s%s><ul class="dropdown" role="listbox" hidden></ul></div>') % (
                description.get("relation"), name, node.get("domain") or "", self.creatable(description), name,
                input_value(description, value), name, label,
                Markup(" disabled") if readonly else Markup(""),
                Markup(' aria-invalid="true" aria-describedby="error-%s"') % name if name in self.errors else Markup(""))
        if kind == "many2many":
            chips = Markup("").join(
                Markup('<li class="tag" data-id="%s">%s<input type="hidden" name="%s" value="%s">%s</li>') % (
                    rid, label, name, rid,
                    Markup("") if readonly else Markup('<button type="button" class="tag-remove" aria-label="Remove %s">×</button>') % label)
                for rid, label in (value or []))
            adder = Markup("") if readonly else Markup(
                '<input type="text" id="field-%s" autocomplete="off" role="combobox" aria-expanded="false" '
                'aria-autocomplete="list" placeholder="Add…" data-m2m-input><ul class="dropdown" role="listbox" hidden></ul>') % name
            return Markup('<div class="m2m" data-model="%s" data-field="%s"%s><ul class="tags">%s</ul>%s</div>') % (
                description.get("relation"), name, self.creatable(description), chips, adder)
        if kind == "one2many":
            items = Markup("").join(Markup("<li>%s</li>") % label for _, label in (value or []))
            return Markup('<ul class="o2m" id="field-%s">%s</ul>') % (name, items or Markup("<li>None</li>"))
        if kind == "binary":
            preview = Markup('<img src="%s" alt="" class="image-preview">') % image_src(value) if value else Markup("")
            accept = Markup(' accept="image/*"') if widget == "image" else Markup("")
            return preview + Markup('<input type="file"%s%s>') % (attrs, accept)
        input_type = {"integer": "number", "float": "number", "monetary": "number", "date": "date",
                      "datetime": "datetime-local"}.get(kind, "text")
        step = Markup(' step="1"') if kind == "integer" else Markup(' step="any"') if input_type == "number" else Markup("")
        mode = Markup(' inputmode="email"') if widget == "email" else Markup(' inputmode="tel"') if widget == "phone" else Markup("")
        return Markup('<input type="%s"%s%s%s value="%s">') % (input_type, attrs, step, mode, input_value(description, value))

    def creatable(self, description: dict[str, Any]) -> Markup:
        """``data-create`` on an autocompletion whose comodel can be created from a name by this user."""
        comodel = description.get("relation")
        return Markup(" data-create") if self.env is not None and comodel in self.env.registry \
            and can_quick_create(self.env[comodel]) else Markup("")

    def selection(self, name: str, description: dict[str, Any], widget: str, attrs: Markup, value: Any,
                  required: bool, readonly: bool) -> Markup:
        options = description.get("selection") or []
        if widget == "radio":
            radios = Markup("").join(
                Markup('<label class="radio"><input type="radio" name="%s" value="%s"%s%s> %s</label>') % (
                    name, key, Markup(" checked") if key == value else Markup(""),
                    Markup(" disabled") if readonly else Markup(""), label)
                for key, label in options)
            return Markup('<fieldset class="radios" id="field-%s" aria-labelledby="label-%s">%s</fieldset>') % (name, name, radios)
        empty = Markup("") if required else Markup('<option value=""></option>')
        choices = Markup("").join(Markup('<option value="%s"%s>%s</option>') % (
            key, Markup(" selected") if key == value else Markup(""), label) for key, label in options)
        return Markup("<select%s>%s%s</select>") % (attrs, empty, choices)
