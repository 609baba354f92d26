"""Web Widgets: extra widgets: image, barcode, encrypted, lazy, file upload, decimal reference, nested one2many.

Hook implementations only; the content arrives with the issues that build it.
"""
