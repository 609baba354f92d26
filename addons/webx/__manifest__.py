{
    "name": "Web Widgets",
    "version": "1.0",
    "summary": "Extra widgets: image, barcode, encrypted, lazy, file upload, decimal reference, nested one2many",
    "category": "Core",
    "depends": ["web"],
    "license": "LGPL-3",
}
