{
    "name": "SaaS client",
    "version": "17.0.1.0",
    "category": "Hidden",
    "summary": "Limits of a SaaS client database: users, expiration, suspension, storage",
    "description": (
        "Installed in the templates and clients of a SaaS portal. The portal pushes its "
        "limits as parameters: saas_client.max_users caps the active internal users; "
        "saas_client.expiration_datetime with saas_client.block_on_expiration, or "
        "saas_client.suspended, makes the database refuse every login, RPC call and page "
        "but the superuser's; pages show a banner ahead of the expiration and the storage "
        "used against saas_client.total_storage_limit (MB). The owner user "
        "(saas_client.owner_user) is an administrator of the database, not its superuser."
    ),
    "depends": ["base"],
    "data": ["data/saas_client_data.xml"],
    "installable": True,
}
