"""Access rights only (groups, ACL rows and rules in ``security/``): no models."""
