"""Tests for kernel/views/inheritance.py: safe arch parsing, locators and Odoo's inheritance specs.

Where a test mirrors a test of Odoo itself, the comment names it: server tests
live in ``odoo/addons/base/tests/test_views.py`` (classes TestNodeLocator,
TestApplyInheritanceSpecs, TestApplyInheritanceWrapSpecs,
TestApplyInheritanceMoveSpecs); text cases come from Odoo's algorithm in
``odoo/tools/template_inheritance.py``.
"""

from __future__ import annotations

import copy

import pytest
from lxml import etree

from kernel.exceptions import ViewError
from kernel.views import apply_inheritance, locate_node, parse_arch


def canon(arch: str | etree._Element) -> str:
    """Canonical XML (C14N: sorted attributes, explicit end tags), indentation dropped."""
    element = parse_arch(arch) if isinstance(arch, str) else arch
    return etree.tostring(element, method="c14n").decode()


def raw(arch: str) -> etree._Element:
    """An arch parsed with its whitespace, for the text and tail placement rules."""
    return parse_arch(arch, keep_whitespace=True)


def text_of(element: etree._Element) -> str:
    return etree.tostring(element, encoding="unicode")


def assert_arch(result: etree._Element, expected: str) -> None:
    assert canon(result) == canon(expected)


FORM = '<form string="Title"><field name="target"/></form>'


# -- parsing -----------------------------------------------------------------


def test_parse_drops_indentation_but_keeps_words_and_preserved_space():
    root = parse_arch(
        '<form>\n  <p>Hello <b>you</b> there</p>\n  <pre xml:space="preserve">\n  a\n</pre>\n</form>'
    )
    assert text_of(root) == (
        '<form><p>Hello <b>you</b> there</p><pre xml:space="preserve">\n  a\n</pre></form>'
    )
    assert raw("<form>\n  <p/>\n</form>").text == "\n  "


def test_parse_accepts_bytes_and_an_encoding_declaration():
    assert parse_arch('<?xml version="1.0" encoding="utf-8"?><form string="é"/>').get("string") == "é"
    assert parse_arch('<form string="é"/>'.encode()).get("string") == "é"


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE form [\n  <!ENTITY lol0 "lol">\n'
    + "".join(f'  <!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">\n' for level in range(1, 10))
    + ']>\n<form string="&lol9;">&lol9;</form>'
)

EXTERNAL_ENTITY = """<!DOCTYPE form [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<form><field name="name">&secret;</field></form>"""

EXTERNAL_DTD = '<!DOCTYPE form SYSTEM "http://127.0.0.1:9/evil.dtd"><form/>'


@pytest.mark.parametrize("payload", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD])
def test_dtds_and_entities_are_refused_everywhere(payload):
    with pytest.raises(ViewError, match="DTD") as caught:
        parse_arch(payload)
    assert "root:" not in str(caught.value)  # nothing of /etc/passwd leaked
    with pytest.raises(ViewError, match="DTD"):
        apply_inheritance(payload, [])
    with pytest.raises(ViewError, match="DTD"):
        apply_inheritance(FORM, [payload])


@pytest.mark.parametrize("payload", ["<form>&undeclared;</form>", "<form><field></form>", ""])
def test_malformed_arch_raises_view_error(payload):
    with pytest.raises(ViewError, match="invalid arch"):
        parse_arch(payload)


# -- locators (Odoo: TestNodeLocator) ------------------------------------------


def test_xpath_locator_returns_the_first_match_of_the_given_tree():
    arch = parse_arch("<form><group><foo/><bar n='1'/><bar n='2'/></group></form>")
    bar = arch[0][1]
    assert locate_node(arch, "<xpath expr='//bar'/>") is bar
    assert locate_node(arch, "<xpath expr='./group/bar'/>") is bar  # relative to the root
    assert locate_node(arch, "<xpath expr='/form/group/bar[2]'/>") is arch[0][2]
    assert locate_node(arch, "<xpath expr='.'/>") is arch
    assert locate_node(arch, "<xpath expr='//qux'/>") is None


def test_xpath_locator_knows_odoos_hasclass():
    arch = parse_arch('<div><p class="a"/><p class=" b  a c "/></div>')
    assert locate_node(arch, "<xpath expr=\"//p[hasclass('a', 'c')]\"/>") is arch[1]
    assert locate_node(arch, "<xpath expr=\"//p[hasclass('d')]\"/>") is None


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("<xpath expr='//field['/>", "invalid xpath"),
        ("<xpath expr='//field/@name'/>", "must select an element"),
        ("<xpath expr='count(//field)'/>", "must select elements"),
        ("<xpath position='after'/>", "needs an expr"),
    ],
)
def test_bad_xpath_raises_view_error(spec, message):
    with pytest.raises(ViewError, match=message):
        locate_node('<form><field name="a"/></form>', spec)


def test_field_locator_matches_the_name_at_any_depth_and_nothing_else():
    arch = parse_arch('<form><group><field name="a"/><div><field name="b" widget="x"/></div></group></form>')
    target = arch.find(".//div/field")
    assert locate_node(arch, '<field name="b" widget="other" position="after"/>') is target
    assert locate_node(arch, '<field name="qux"/>') is None
    assert locate_node("<form><foo/><bar/></form>", '<field name="foo"/>') is None
    from_text = locate_node(FORM, '<field name="target"/>')  # text: a node of a new tree
    assert from_text is not None and from_text.getparent().tag == "form"


def test_generic_locator_needs_the_tag_and_every_attribute():
    arch = parse_arch('<root><bar attr="1"/><bar attr="2" other="x"/><root><bar attr="3"/></root></root>')
    assert locate_node(arch, '<bar attr="2"/>') is arch[1]
    assert locate_node(arch, "<bar/>") is arch[0]
    assert locate_node(arch, '<bar attr="5"/>') is None
    assert locate_node(arch, '<bar attr="2" other="y"/>') is None
    assert locate_node(arch, "<qux/>") is None


def test_generic_locator_ignores_control_attributes_and_checks_version_on_the_root():
    arch = parse_arch('<form version="7.0"><div name="x"/></form>')
    assert locate_node(arch, '<div name="x" position="replace" mode="inner"/>') is arch[0]
    assert locate_node(arch, '<div name="x" version="7.0"/>') is arch[0]
    # Odoo's test_version_mismatch / test_incorrect_version: another version never matches
    assert locate_node(arch, '<div name="x" version="8.0"/>') is None
    with pytest.raises(ViewError, match="cannot be located"):
        apply_inheritance('<form><element foo="42"/></form>', ['<element foo="42" version="7.0"/>'])


# -- positions (Odoo: TestApplyInheritanceSpecs) -------------------------------------


NEW = '<field name="inserted"/>'
TARGET = '<field name="target"/>'


@pytest.mark.parametrize(
    ("position", "expected"),
    [
        (None, f'<field name="target">{NEW}</field>'),
        ("inside", f'<field name="target">{NEW}</field>'),
        ("after", TARGET + NEW),
        ("before", NEW + TARGET),
        ("replace", NEW),
    ],
)
def test_each_position(position, expected):
    # Odoo's test_insert_after, test_insert_before, test_replace_outer
    attribute = f' position="{position}"' if position else ""
    result = apply_inheritance(FORM, [f'<field name="target"{attribute}>{NEW}</field>'])
    assert_arch(result, f'<form string="Title">{expected}</form>')


def test_empty_replace_deletes():
    # Odoo's test_delete
    assert_arch(apply_inheritance(FORM, ['<field name="target" position="replace"/>']), '<form string="Title"/>')


def test_inside_appends_after_existing_children():
    # Odoo's test_insert_inside: two specs, the second appended after the first
    first, second = '<field name="inserted"/>', '<field name="inserted 2"/>'
    result = apply_inheritance(
        FORM, [f'<field name="target">{first}</field>', f'<field name="target" position="inside">{second}</field>']
    )
    assert_arch(result, f'<form string="Title"><field name="target">{first}{second}</field></form>')


def test_replace_with_placeholder_wraps_the_located_node():
    # Odoo's TestApplyInheritanceWrapSpecs.test_replace; the indented $0 is the documentation's example
    base = "<template><div><p>Content</p></div></template>"
    for wrapper in ('<div class="some">$0</div>', '<div class="some">\n    $0\n  </div>'):
        result = apply_inheritance(base, [f'<xpath expr="//p" position="replace">{wrapper}</xpath>'])
        assert_arch(result, '<template><div><div class="some"><p>Content</p></div></div></template>')


def test_replace_inner_replaces_text_and_children_only():
    # Odoo's test_replace_inner: same result whatever the node held before
    content = 'TEXT 4<field name="replacement"/>TEXT 5<field name="replacement2"/>TEXT 6'
    spec = f'<field name="target" position="replace" mode="inner">{content}</field>'
    old = 'TEXT1<field name="subtarget"/>TEXT2<field name="anothersubtarget"/>TEXT3'
    for base in (FORM, f'<form string="Title"><field name="target">{old}</field></form>'):
        result = apply_inheritance(base, [spec])
        assert_arch(result, f'<form string="Title"><field name="target">{content}</field></form>')


def test_replacing_the_root_replaces_the_whole_view():
    base = '<form string="Old"><field name="a"/></form>'
    result = apply_inheritance(base, ['<form position="replace"><tree><field name="b"/></tree></form>'])
    assert_arch(result, '<tree><field name="b"/></tree>')
    wrapped = apply_inheritance(base, ['<xpath expr="." position="replace"><div>$0</div></xpath>'])
    assert_arch(wrapped, '<div><form string="Old"><field name="a"/></form></div>')
    with pytest.raises(ViewError, match="needs an element"):
        apply_inheritance(base, ['<xpath expr="/form" position="replace"/>'])


@pytest.mark.parametrize("position", ["before", "after"])
def test_inserting_next_to_the_root_raises(position):
    with pytest.raises(ViewError, match=f"cannot insert {position} the root"):
        apply_inheritance(FORM, [f'<form position="{position}"><p/></form>'])


# -- attributes ----------------------------------------------------------------------


def apply_attributes(node: str, *attributes: str) -> etree._Element:
    spec = f'<xpath expr="/form/*[1]" position="attributes">{"".join(attributes)}</xpath>'
    return apply_inheritance(f"<form>{node}</form>", [spec])[0]


def test_attribute_text_sets_and_empty_attribute_removes():
    node = apply_attributes(
        '<field name="x" string="Old" readonly="1"/>',
        '<attribute name="string">New</attribute>',
        '<attribute name="readonly"/>',
        '<attribute name="help">Why</attribute>',
        '<attribute name="absent"></attribute>',
    )
    assert dict(node.attrib) == {"name": "x", "string": "New", "help": "Why"}


@pytest.mark.parametrize(
    ("name", "current", "edit", "expected"),
    [
        ("groups", "a,b", 'add="c" remove="a"', "b,c"),
        ("groups", "a, b ,c", 'remove="b, c"', "a"),
        ("class", "a b", 'add="c" remove="a" separator=" "', "b c"),
        ("class", "a  b\tc", 'remove="b" separator=" "', "a c"),  # " " means any whitespace
        ("groups", "a;b", 'add="c;d" separator=";"', "a;b;c;d"),
        ("groups", "a,b", 'add="a"', "a,b,a"),  # Odoo appends, duplicates and all
        ("groups", None, 'add="b"', "b"),
        ("groups", "a,b", 'remove="a,b"', None),  # nothing left: the attribute goes
        ("invisible", "x", 'add="y" separator="or"', "(x) or (y)"),
        ("invisible", None, 'add="y" separator="and"', "y"),
        ("invisible", "(x) or (y)", 'remove="y" separator="or"', "(x)"),
        ("required", "x and y and z", 'remove="y" separator=" and "', "x and z"),
        ("column_invisible", "((x))", 'remove="x" separator="or"', None),
        ("decoration-info", "a", 'add="b" remove="a" separator="and"', "b"),
    ],
)
def test_attribute_add_remove_and_separator(name, current, edit, expected):
    held = "" if current is None else f' {name}="{current}"'
    node = apply_attributes(f'<field name="x"{held}/>', f'<attribute name="{name}" {edit}/>')
    assert node.get(name) == expected


@pytest.mark.parametrize(
    ("attribute", "message"),
    [
        ('<attribute name="invisible" add="y"/>', "'and' or 'or'"),
        ('<attribute name="invisible" add="y" separator=","/>', "'and' or 'or'"),
        ('<attribute name="class" add="y">text</attribute>', "cannot also have text"),
        ('<attribute name="class" value="y"/>', "unknown attributes value"),
        ('<attribute add="y"/>', "needs a name"),
        ('<attribute name="class" add="y" separator=""/>', "cannot be empty"),
    ],
)
def test_bad_attribute_specs_raise(attribute, message):
    with pytest.raises(ViewError, match=message):
        apply_attributes('<field name="x" class="a"/>', attribute)


# -- move (Odoo: TestApplyInheritanceMoveSpecs) ------------------------------------------

MOVE_BASE = '<template><div><p class="some">Content</p></div><div class="target"/></template>'
MOVE_WRAPPED = '<template><div>aaaa<p class="some">Content</p>bbbb</div><div class="target"/></template>'
MOVED = '<p class="some">Content</p>'


@pytest.mark.parametrize(
    ("position", "expected"),
    [
        ("replace", f"<template><div>{{}}</div>{MOVED}</template>"),
        ("inside", f'<template><div>{{}}</div><div class="target">{MOVED}</div></template>'),
        ("before", f'<template><div>{{}}</div>{MOVED}<div class="target"/></template>'),
        ("after", f'<template><div>{{}}</div><div class="target"/>{MOVED}</template>'),
    ],
)
def test_move_to_each_position_keeps_the_text_around_the_moved_node(position, expected):
    spec = (
        f'<xpath expr="//div[@class=\'target\']" position="{position}">'
        '<xpath expr="//p" position="move"/></xpath>'
    )
    assert_arch(apply_inheritance(MOVE_BASE, [spec]), expected.format(""))
    assert_arch(apply_inheritance(MOVE_WRAPPED, [spec]), expected.format("aaaabbbb"))


def test_move_mixed_with_new_content_and_the_move_specs_tail():
    # Odoo's test_move_with_other_1 / test_move_with_tail: the moved node takes the move spec's tail
    spec = (
        '<xpath expr="//div[@class=\'target\']" position="after">'
        '<p class="new_p">Content2</p><xpath expr="//p" position="move"/>tail of paragraph</xpath>'
    )
    result = apply_inheritance(MOVE_WRAPPED, [spec])
    assert text_of(result) == (
        '<template><div>aaaabbbb</div><div class="target"/><p class="new_p">Content2</p>'
        '<p class="some">Content</p>tail of paragraph</template>'
    )


def test_move_with_a_field_locator_reorders_fields():
    base = '<form><field name="a"/><field name="b"/><field name="c"/></form>'
    spec = '<field name="a" position="after"><field name="c" position="move"/></field>'
    assert_arch(apply_inheritance(base, [spec]), '<form><field name="a"/><field name="c"/><field name="b"/></form>')


def test_move_nested_deeper_than_a_direct_child_is_plain_content():
    # Odoo's test_incorrect_move_3
    spec = (
        '<xpath expr="//div[@class=\'target\']" position="after"><div class="wrapper">'
        '<xpath expr="//p" position="move"><p class="new_p">Content2</p></xpath></div></xpath>'
    )
    result = apply_inheritance(MOVE_BASE, [spec])
    assert result.find("div[@class='wrapper']/xpath") is not None
    assert result.find("div/p[@class='some']") is not None


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        # Odoo's test_incorrect_move_1 and _2
        ('<xpath expr="//p[@name=\'none\']" position="move"/>', "to move cannot be located"),
        ('<xpath expr="//p" position="move"><p class="new_p"/></xpath>', "cannot have content"),
        ('<xpath expr="//template/div[2]" position="move"/>', "into itself"),
    ],
)
def test_bad_moves_raise(spec, message):
    wrapper = f'<xpath expr="//div[@class=\'target\']" position="inside">{spec}</xpath>'
    with pytest.raises(ViewError, match=message):
        apply_inheritance(MOVE_BASE, [wrapper])


def test_move_is_no_top_level_position():
    with pytest.raises(ViewError, match="belongs on a child of another spec"):
        apply_inheritance(MOVE_BASE, ['<xpath expr="//p" position="move"/>'])


# -- text and tails --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arch", "spec", "expected"),
    [
        # the spec's text goes where the new content starts, trailing blanks there are cut
        ("<t> a <div/> </t>", '<xpath expr="./div" position="before"> 4 </xpath>', "<t> a 4 <div/> </t>"),
        ("<t><div/></t>", '<xpath expr="./div" position="inside">4</xpath>', "<t><div>4</div></t>"),
        ("<t><div>\na \n </div></t>", '<xpath expr="./div" position="inside">4</xpath>', "<t><div>\na4</div></t>"),
        # after: the node's tail follows the inserted content
        ("<t> <div/>a </t>", '<xpath expr="./div" position="after">4</xpath>', "<t> <div/>4a </t>"),
        (
            "<t><div>AAB is the best<h2>Title</h2>text</div></t>",
            '<xpath expr="./div/h2" position="before"> <h3>Other</h3>Yoo!<h4>Another</h4> </xpath>',
            "<t><div>AAB is the best <h3>Other</h3>Yoo!<h4>Another</h4><h2>Title</h2>text</div></t>",
        ),
        (
            "<t>a<div></div><span/></t>",
            '<xpath expr="./div" position="inside"><span/></xpath>',
            "<t>a<div><span/></div><span/></t>",
        ),
    ],
)
def test_text_placement(arch, spec, expected):
    assert text_of(apply_inheritance(raw(arch), [raw(spec)])) == expected


INDENTED = """<form>
    <group>
        <field name="name"/>
        <field name="email"/>
    </group>
</form>"""


PHONE = '\n        <field name="phone"/>\n    '


def fields(*names: str) -> str:
    return "".join(f'\n        <field name="{name}"/>' for name in names) + "\n    "


@pytest.mark.parametrize(
    ("spec", "expected_group"),
    [
        (f'<field name="name" position="after">{PHONE}</field>', fields("name", "phone", "email")),
        (f'<field name="email" position="before">{PHONE}</field>', fields("name", "phone", "email")),
        (f'<group position="inside">{PHONE}</group>', fields("name", "email", "phone")),
        (f'<field name="name" position="replace">{PHONE}</field>', PHONE + '<field name="email"/>\n    '),
        ('<field name="name" position="replace"/>', fields("email")),
    ],
    ids=["after", "before", "inside", "replace", "delete"],
)
def test_indentation_is_carried_over(spec, expected_group):
    # Odoo keeps the indentation found at the insertion point (RSTRIP_REGEXP); on replace, new
    # content keeps the spec's own tails and the replaced node's whitespace tail goes with it
    result = apply_inheritance(raw(INDENTED), [raw(spec)])
    assert text_of(result) == f"<form>\n    <group>{expected_group}</group>\n</form>"


def test_replace_keeps_words_around_the_replaced_node():
    # Odoo's server drops the replaced node's tail and the spec's text; its web client keeps
    # them (its test marks the server's behaviour as a bug). Words are kept here.
    base = raw("<p>Hello <b>x</b> world</p>")
    replaced = apply_inheritance(base, [raw('<xpath expr="//b" position="replace">dear <i>y</i></xpath>')])
    assert text_of(replaced) == "<p>Hello dear <i>y</i> world</p>"
    wrapped = apply_inheritance(base, [raw('<xpath expr="//b" position="replace"><i>$0</i></xpath>')])
    assert text_of(wrapped) == "<p>Hello <i><b>x</b></i> world</p>"


# -- data wrappers and order ------------------------------------------------------------


def test_data_holds_several_specs():
    # Odoo's test_unpack_data
    inserted = [f'<field name="inserted {index}"/>' for index in range(4)]
    spec = "".join(f'<field name="target">{field}</field>' for field in inserted)
    result = apply_inheritance(FORM, [f"<data>{spec}</data>"])
    assert_arch(result, f'<form string="Title"><field name="target">{"".join(inserted)}</field></form>')


def test_nested_data_is_queued_after_its_siblings():
    # Odoo appends a <data>'s children to the queue of specs still waiting
    spec = """<data>
        <!-- comments between specs are skipped -->
        <field name="a" position="after"><field name="b"/></field>
        <data><field name="a" position="after"><field name="nested"/></field></data>
        <field name="a" position="after"><field name="c"/></field>
    </data>"""
    result = apply_inheritance('<form><field name="a"/></form>', [spec])
    assert [field.get("name") for field in result] == ["a", "nested", "c", "b"]


def test_specs_apply_in_order_and_may_target_earlier_additions():
    first = '<field name="target" position="after"><group name="extra"/></field>'
    second = '<group name="extra"><field name="added"/></group>'
    third = '<field name="added" position="attributes"><attribute name="string">Added</attribute></field>'
    result = apply_inheritance(FORM, [first, second, third])
    expected = '<field name="target"/><group name="extra"><field name="added" string="Added"/></group>'
    assert_arch(result, f'<form string="Title">{expected}</form>')


def test_inputs_are_never_modified_and_a_single_spec_needs_no_list():
    arch = parse_arch(FORM)
    spec = parse_arch('<field name="target" position="after"><field name="b"/></field>')
    before = (text_of(arch), text_of(spec))
    first = apply_inheritance(arch, spec)
    second = apply_inheritance(arch, [spec])
    assert (text_of(arch), text_of(spec)) == before
    assert first is not arch and canon(first) == canon(second)
    assert_arch(first, '<form string="Title"><field name="target"/><field name="b"/></form>')


# -- errors ----------------------------------------------------------------------------------


def test_spec_not_found_names_the_spec_and_its_line():
    spec = '<data>\n  <field name="target"/>\n  <field name="nope" position="after">\n    <p/>\n  </field>\n</data>'
    with pytest.raises(ViewError, match=r'located.*<field name="nope" position="after"> \(line 3\)'):
        apply_inheritance(FORM, [spec])
    with pytest.raises(ViewError, match=r"line 3"):  # a parsed element keeps its source lines
        apply_inheritance(FORM, [copy.deepcopy(parse_arch(spec))])


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ('<field name="target" position="serious_series"/>', "invalid position 'serious_series'"),
        ('<field name="target" position="replace" mode="sideways"/>', "invalid mode 'sideways'"),
    ],
)
def test_bad_position_or_mode_raises(spec, message):
    # Odoo's test_invalid_position
    with pytest.raises(ViewError, match=message):
        apply_inheritance(FORM, [spec])


def test_bad_argument_types_raise_type_error():
    with pytest.raises(TypeError, match="arch must be XML text"):
        apply_inheritance(42, [])  # type: ignore[arg-type]


# -- a partner form extended by three addons ----------------------------------------------

PARTNER_FORM = """
<form string="Partner">
  <sheet>
    <div class="oe_title"><h1><field name="name" placeholder="Name"/></h1></div>
    <group name="main">
      <group name="contact">
        <field name="email" widget="email" class="o_text"/>
        <field name="phone"/>
      </group>
      <group name="misc">
        <field name="ref"/>
        <field name="lang"/>
      </group>
    </group>
    <notebook>
      <page name="internal_notes" string="Internal Notes"><field name="comment"/></page>
    </notebook>
  </sheet>
</form>"""

CORE_PURCHASE = """
<data>
  <field name="phone" position="after">
    <field name="vendor_code"/>
    <field name="payment_term_id"/>
  </field>
  <xpath expr="//group[@name='misc']" position="attributes">
    <attribute name="string">Purchase</attribute>
  </xpath>
</data>"""

PARTNERSHIP = """
<notebook position="inside">
  <page name="partnership" string="Partnership">
    <field name="partnership_level"/>
  </page>
</notebook>"""

MASTER_SALE = """
<data>
  <field name="email" position="attributes">
    <attribute name="required">1</attribute>
    <attribute name="widget"/>
    <attribute name="class" add="o_wide" separator=" "/>
  </field>
  <field name="vendor_code" position="attributes">
    <attribute name="invisible" add="not is_vendor" separator="or"/>
  </field>
  <xpath expr="//page[@name='partnership']" position="before">
    <page name="sales" string="Sales"><field name="user_id"/></page>
  </xpath>
  <field name="ref" position="before">
    <field name="lang" position="move"/>
  </field>
</data>"""

COMBINED = """
<form string="Partner">
  <sheet>
    <div class="oe_title"><h1><field name="name" placeholder="Name"/></h1></div>
    <group name="main">
      <group name="contact">
        <field name="email" class="o_text o_wide" required="1"/>
        <field name="phone"/>
        <field name="vendor_code" invisible="not is_vendor"/>
        <field name="payment_term_id"/>
      </group>
      <group name="misc" string="Purchase">
        <field name="lang"/>
        <field name="ref"/>
      </group>
    </group>
    <notebook>
      <page name="internal_notes" string="Internal Notes"><field name="comment"/></page>
      <page name="sales" string="Sales"><field name="user_id"/></page>
      <page name="partnership" string="Partnership"><field name="partnership_level"/></page>
    </notebook>
  </sheet>
</form>"""


def test_partner_form_extended_by_three_addons():
    addons = [CORE_PURCHASE, PARTNERSHIP, MASTER_SALE]  # master_sale edits what the others added
    assert canon(apply_inheritance(PARTNER_FORM, addons)) == canon(COMBINED)
    # with the files' indentation kept, only whitespace differs
    indented = apply_inheritance(raw(PARTNER_FORM), [raw(spec) for spec in addons])
    assert canon(text_of(indented)) == canon(COMBINED)
