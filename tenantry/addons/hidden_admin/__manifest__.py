{
    "name": "Hidden administrator",
    "version": "17.0.1.0",
    "category": "Hidden",
    "summary": "The admin user and its partner are invisible to clients",
    "description": (
        "Marks the administrator (base.user_admin) and its partner hidden. Record rules hide "
        "hidden users and partners from everyone but the superuser and the hidden user itself: "
        "searches leave them out and reading them by id is an access error. Only the superuser "
        "may hide or reveal a record, and group memberships of hidden users are left alone when "
        "someone else rewrites a group's users."
    ),
    "depends": ["base"],
    "data": [
        "data/hidden_admin_data.xml",
        "security/hidden_admin_security.xml",
    ],
    "installable": True,
}
