"""The vendor side of the partner master and a minimal RFQ → purchase order."""
