{
    "name": "Purchase",
    "version": "1.0",
    "summary": "Vendor side of partners: vendor codes, supplier hold and freeze, RFQs and purchase orders",
    "category": "Purchase",
    "depends": ["base"],
    "application": True,
    "license": "LGPL-3",
}
