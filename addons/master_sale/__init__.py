"""Sales: the customer side of partners (customer codes, groups, territories, credit limits) and sales orders.

Hook implementations only.
"""

from __future__ import annotations

from .models.masters import (
    CustomerAccount,
    CustomerCreditLimit,
    CustomerGroup,
    SalePricelist,
    SalesTerritory,
    SalesTerritoryTarget,
)
from .models.partner import CustomerPartner
from .models.sale_order import SaleOrder, SaleOrderLine


def kernel_models() -> list[type]:
    return [CustomerGroup, SalesTerritory, SalesTerritoryTarget, SalePricelist, CustomerPartner,
            CustomerCreditLimit, CustomerAccount, SaleOrder, SaleOrderLine]
