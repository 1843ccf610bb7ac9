{
    "name": "SaaS Server",
    "version": "17.0.1.0",
    "category": "SaaS",
    "summary": "A SaaS server database: the client databases of its instance and the portal's requests",
    "description": (
        "Installed in one server database per instance. It keeps the client databases it "
        "created on its cluster and every request the portal sent (by request id, so that a "
        "retried request has its effect once), with the job's progress and result."
    ),
    "depends": ["base"],
    "data": [
        "security/saas_server_security.xml",
        "security/ir.model.access.csv",
        "views/saas_server_views.xml",
    ],
    "application": True,
    "installable": True,
}
