"""Purchase: vendor side of partners: vendor codes, supplier hold and freeze, RFQs and purchase orders.

Hook implementations only; the content arrives with the issues that build it.
"""
