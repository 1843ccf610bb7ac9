{
    "name": "Discuss",
    "version": "17.0.1.0",
    "category": "Productivity/Discuss",
    "summary": "Followers of documents: the mail.thread mixin of Odoo's mail addon",
    "description": (
        "mail.followers (who follows which record) and the abstract mail.thread that gives a "
        "model message_follower_ids, message_is_follower, message_subscribe and "
        "message_unsubscribe. Contacts are threads, and so are users (through their contact)."
    ),
    "depends": ["base"],
    "data": ["security/ir.model.access.csv"],
    "installable": True,
}
