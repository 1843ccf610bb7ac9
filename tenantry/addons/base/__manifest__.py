{
    "name": "Base",
    "version": "17.0.1.0",
    "category": "Hidden",
    "summary": "Companies, partners, users, groups, access rights and the technical models",
    "depends": [],
    "data": [
        "security/base_groups.xml",
        "data/base_data.xml",
        "security/base_security.xml",
        "data/ir_cron_data.xml",
        "data/res.country.csv",
        "data/res.country.state.csv",
        "data/res.lang.csv",
        "security/ir.model.access.csv",
    ],
    "demo": ["data/base_demo.xml"],
    "installable": True,
}
