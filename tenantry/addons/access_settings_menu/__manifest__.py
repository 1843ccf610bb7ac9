{
    "name": "Settings menu for non-administrators",
    "version": "17.0.1.0",
    "category": "Hidden",
    "summary": "A group that may read the settings without being an administrator",
    "description": (
        "Adds the group 'Show Settings menu' (access_settings_menu.group_show_settings_menu) for "
        "internal users who are not administrators: they may read the system parameters (except "
        "keys that look like secrets) and edit their own companies. The web client shows the "
        "Settings menu to this group; without a web menu, the addon is these access rights."
    ),
    "depends": ["base"],
    "data": [
        "security/access_settings_menu_security.xml",
        "security/ir.model.access.csv",
        "data/access_settings_menu_menus.xml",
    ],
    "installable": True,
}
