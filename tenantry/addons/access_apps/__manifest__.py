{
    "name": "Access to Apps",
    "version": "17.0.1.0",
    "category": "Hidden",
    "summary": "Only a dedicated group may install, upgrade or uninstall addons",
    "description": (
        "Adds the group 'Allow installing apps' (access_apps.group_allow_apps). Installing, "
        "upgrading or uninstalling addons, and changing addon records at all, needs it unless in "
        "superuser mode. Only the system user has it: a client's administrators keep the Settings "
        "but not the Apps. Everyone who could read the list of addons still can."
    ),
    "depends": ["base"],
    "data": ["security/access_apps_security.xml", "data/access_apps_menus.xml"],
    "installable": True,
}
