"""The Sales application: data only (actions and menus over sale_demo)."""
