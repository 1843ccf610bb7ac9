{
    "name": "Sales (demo)",
    "version": "17.0.1.0",
    "category": "Sales",
    "summary": "Products, quotations and sales orders with Odoo's sales access rules",
    "depends": ["base", "mail"],
    "data": [
        "security/sale_security.xml",
        "security/ir.model.access.csv",
        "data/sale_data.xml",
        "data/sale_report.xml",
        "views/sale_views.xml",
    ],
    "demo": ["demo/sale_demo.xml"],
    "application": True,
}
