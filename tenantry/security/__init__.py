"""Security: who may do what. Pure logic over data handed in by the ORM and addons."""
