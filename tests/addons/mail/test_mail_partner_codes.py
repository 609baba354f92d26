"""With the vendor and customer sides installed, a partner's stamped codes show in its chatter."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def erp_addons() -> list[str]:
    return ["mail", "core_purchase", "master_sale"]


def test_stamped_vendor_and_customer_codes_are_tracked_changes(env):
    vendor = env.ref("base.base_partner_type_vendor")
    customer = env.ref("base.base_partner_type_customer")
    partner = env["basepartner"].create({"name": "Both Sides"})
    partner.write({"partner_types": [(6, 0, [vendor.id, customer.id])]})
    lines = {line["field"]: (line["old"], line["new"])
             for message in partner.message_fetch()["messages"] for line in message["tracking"]}
    assert lines["Vendor Code"] == ("", partner.vendor_code) and partner.vendor_code
    assert lines["Customer Code"] == ("", partner.customer_code) and partner.customer_code
    assert lines["Partner Types"][0] == ""
