"""Purchase: the vendor side of partners (vendor codes, supplier hold and freeze) and RFQs → purchase orders.

Hook implementations only.
"""

from __future__ import annotations

from .models.partner import VendorPartner
from .models.purchase_order import PurchaseOrder, PurchaseOrderLine


def kernel_models() -> list[type]:
    return [VendorPartner, PurchaseOrder, PurchaseOrderLine]
