{
    "name": "Purchase",
    "version": "1.0",
    "summary": "Vendor side of partners: vendor codes, supplier hold and freeze, RFQs and purchase orders",
    "category": "Purchase",
    "depends": ["base"],
    "data": [
        "security/ir.model.access.csv",
        "data/purchase_data.xml",
        "data/purchase_cron.xml",
        "views/partner_views.xml",
        "views/purchase_views.xml",
    ],
    "application": True,
    "license": "LGPL-3",
}
