{
    "name": "SaaS Portal",
    "version": "17.0.1.0",
    "category": "SaaS",
    "summary": "Servers, plans, templates and client databases of a SaaS portal, with an audit trail",
    "description": (
        "The portal database of tenantry's SaaS: it registers SaaS servers, defines plans "
        "(a template database, limits, trial), places new client databases on servers and "
        "records every state change and operator action in an audit trail."
    ),
    "depends": ["base"],
    "data": [
        "security/saas_portal_security.xml",
        "security/ir.model.access.csv",
        "views/saas_portal_views.xml",
        "views/saas_portal_wizard_views.xml",
    ],
    "application": True,
    "installable": True,
}
