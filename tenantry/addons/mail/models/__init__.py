from . import mail_followers, mail_thread, res_partner  # noqa: F401
