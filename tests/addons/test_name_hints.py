"""Unknown models, fields, external ids and groups are refused with the close name or this kernel's name for
Odoo's, wherever a developer meets them: the environment, domains, reads, writes, views and RPC."""

from __future__ import annotations

import pytest
from lxml import etree

from kernel.exceptions import MissingError, ValidationError, ViewError
from kernel.views.validation import check_arch, check_groups


def test_unknown_models_name_odoos_counterpart_or_the_close_model(env):
    with pytest.raises(ValidationError, match=r"unknown model 'res.partner'; Odoo's 'res.partner' is 'basepartner' here"):
        env["res.partner"]
    with pytest.raises(ValidationError, match=r"unknown model 'sale.ordr'; did you mean 'sale.order'"):
        env["sale.ordr"]


def test_unknown_fields_everywhere_get_the_close_or_odoo_name(env):
    partners = env["basepartner"]
    with pytest.raises(ValidationError, match=r"'phone'; Odoo's basepartner.phone is 'phone_number' here"):
        partners.create({"name": "X", "phone": "1"})
    with pytest.raises(ValidationError, match=r"unknown field 'emial' on basepartner.*did you mean 'email'"):
        partners.search([("emial", "=", "a@b.c")])
    with pytest.raises(ValidationError, match=r"has no field 'citty'; did you mean 'city'"):
        partners.search_read([], ["citty"])
    with pytest.raises(ValidationError, match=r"cannot order basepartner by 'nmae'.*did you mean 'name'"):
        partners.search([], order="nmae")
    with pytest.raises(ValidationError, match=r"Odoo's ir.rule.groups is 'group_ids' here"):
        env["ir.rule"].create({"name": "Mine", "groups": []})


def test_unknown_external_ids_and_groups_suggest_the_close_ones(env):
    with pytest.raises(MissingError, match=r"external id 'base.group_usr' not found; did you mean 'base.group_user'"):
        env.ref("base.group_usr")
    with pytest.raises(ViewError, match=r"groups names 'base.group_systm', which is no group; "
                                        r"did you mean 'base.group_system'"):
        check_groups(env, etree.fromstring("<form><field name='name' groups='base.group_systm'/></form>"))


def test_views_name_the_close_field_and_model(env):
    with pytest.raises(ViewError, match=r"field 'mobile' does not exist on model 'basepartner'; "
                                        r"Odoo's basepartner.mobile is 'mobile_number' here"):
        check_arch(env.registry, "basepartner", etree.fromstring("<form><field name='mobile'/></form>"))
    with pytest.raises(ViewError, match=r"unknown model 'res.partner'; Odoo's 'res.partner' is 'basepartner' here"):
        check_arch(env.registry, "res.partner", etree.fromstring("<form/>"))
