def test_catalog_models_are_installed(env):
    partner = env["test.partner"].create({"name": "Acme"})
    assert env["test.partner"].search([("name", "=", "Acme")]) == partner
