{
    "name": "Sales",
    "version": "17.0.1.0",
    "category": "Sales/Sales",
    "summary": "The Sales application's actions and menus over sale_demo's orders",
    "description": (
        "What Odoo's sale addon gives the user interface, under its external ids: the "
        "Quotations and Sales Orders actions (sale.action_quotations, sale.action_orders) "
        "and the Sales menu. The models, security and reports are sale_demo's."
    ),
    "depends": ["sale_demo"],
    "data": ["data/sale_menus.xml"],
    "application": True,
    "installable": True,
}
