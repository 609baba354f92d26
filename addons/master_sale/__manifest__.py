{
    "name": "Sales",
    "version": "1.0",
    "summary": "Customer side of partners: customer codes, groups, territories, credit limits, sales orders",
    "category": "Sales",
    "depends": ["base"],
    "application": True,
    "license": "LGPL-3",
}
