{
    "name": "Protected record rules",
    "version": "17.0.1.0",
    "category": "Hidden",
    "summary": "Only the superuser may change or delete record rules marked protected",
    "description": (
        "Adds a 'protected' flag to record rules (ir.rule). A protected rule can be written, "
        "deleted or unprotected only in superuser mode; the flag itself is set the same way. "
        "The base rules that keep companies and external users apart are protected on install."
    ),
    "depends": ["base"],
    "data": ["data/protected_rules.xml"],
    "installable": True,
}
