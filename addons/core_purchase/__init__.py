"""Purchase: the vendor side of partners (vendor codes, supplier hold and freeze) and RFQs → purchase orders.

Hook implementations only.
"""

from __future__ import annotations

import argparse
from typing import Any

from .cli import add_commands
from .jobs import release_expired_holds
from .models.partner import VENDOR, VendorPartner
from .models.purchase_order import PurchaseOrder, PurchaseOrderLine
from .models.supplier_terms import PaymentTerm, PurchasePricelist, SupplierAccount


def kernel_models() -> list[type]:
    return [PaymentTerm, PurchasePricelist, SupplierAccount, VendorPartner, PurchaseOrder, PurchaseOrderLine]


def kernel_cli(subparsers: argparse._SubParsersAction) -> None:
    """``erp purchase-release-holds [--date YYYY-MM-DD]``."""
    add_commands(subparsers)


def kernel_jobs() -> list[Any]:
    return [release_expired_holds]


def kernel_post_install(env: Any) -> None:
    """Partners that already carry the type when the addon arrives get their flag and their code."""
    VENDOR.install(env)
