{
    "name": "Restricted access rights administration",
    "version": "17.0.1.0",
    "category": "Hidden",
    "summary": "Administrators can neither grant nor see groups beyond their own",
    "description": (
        "An access-rights manager who is not the superuser only sees the groups they belong to "
        "(implied groups included), and cannot give anyone a group they do not have: not through "
        "a user's groups, a group's users, nor a group's implied groups. A full replacement of a "
        "user's groups keeps the groups the administrator cannot see."
    ),
    "depends": ["base"],
    "data": ["security/access_restricted_security.xml"],
    "installable": True,
}
