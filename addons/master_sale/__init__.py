"""Sales: customer side of partners: customer codes, groups, territories, credit limits, sales orders.

Hook implementations only; the content arrives with the issues that build it.
"""
