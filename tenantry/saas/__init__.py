"""The SaaS control plane's pure parts: names, placement, provisioning, spares.

The ``saas_portal``, ``saas_server`` and ``saas_client`` addons hold the models,
data and views, and call into these modules for the logic that needs no model.
"""
