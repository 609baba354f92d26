"""The customer side of the partner master and a minimal quotation → sales order."""
