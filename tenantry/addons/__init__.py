"""The built-in addons; extra addons directories are mounted into this package's path."""
