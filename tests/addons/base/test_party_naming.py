"""Document 003's naming option (Settings → Unique Partner Names): by party name (unique names) or by naming series
(codes identify, names repeat); switching it applies to partners created or renamed from then on."""

from __future__ import annotations

from kernel.exceptions import ValidationError


def test_switching_to_naming_by_name_applies_to_new_records_only(env, types, refused):
    twins = env["basepartner"].create([{"name": "Toko Maju", "partner_types": [(4, types["customer"])]},
                                       {"name": "Toko Maju", "partner_types": [(4, types["customer"])]}])
    assert twins[0].customer_code != twins[1].customer_code, "by naming series: the codes tell them apart"
    env["res.config.settings"].create({"partner_unique_names": True}).execute()
    twins[1].write({"city": "Medan"})  # the existing twins stay as they are
    assert twins[1].city == "Medan" and twins[1].name == "Toko Maju"
    error = refused(lambda: env["basepartner"].create({"name": "toko maju"}), ValidationError)
    assert (error.code, error.status) == ("PARTY_DUPLICATE_NAME", 409) and "Toko Maju" in str(error)
    env["res.config.settings"].create({"partner_unique_names": False}).execute()
    assert env["basepartner"].create({"name": "Toko Maju"}).name == "Toko Maju"


def test_the_setting_explains_the_option(env):
    settings_field = env["res.config.settings"]._fields["partner_unique_names"]
    assert "naming series" in settings_field.help and "003" in settings_field.help
