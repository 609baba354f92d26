"""Sales: the customer side of partners (customer codes, groups, territories, credit limits) and sales orders.

Hook implementations only.
"""

from __future__ import annotations

from typing import Any

from .models.credit import CreditCompany
from .models.group_defaults import CustomerGroupAccount, CustomerGroupCreditLimit
from .models.masters import (
    CustomerAccount,
    CustomerCreditLimit,
    CustomerGroup,
    SalePricelist,
    SalesTerritory,
    SalesTerritoryTarget,
)
from .models.partner import CUSTOMER, CustomerPartner
from .models.portal import SalePortalHome
from .models.sale_order import SaleOrder, SaleOrderLine
from .models.settings import SaleSettings
from .models.teams import SalesTeam


def kernel_models() -> list[type]:
    return [CreditCompany, CustomerGroup, CustomerGroupCreditLimit, CustomerGroupAccount, SalesTerritory, SalesTerritoryTarget,
            SalePricelist, SalesTeam, CustomerPartner, CustomerCreditLimit, CustomerAccount, SaleOrder, SaleOrderLine,
            SaleSettings, SalePortalHome]


def kernel_post_install(env: Any) -> None:
    """Partners that already carry the type when the addon arrives get their flag and their code."""
    CUSTOMER.install(env)
