from tests.authorization.matrix import only

ROUTES = [
    only("mail.log", "/admin/mail-log", admin=200),
    # The matrix's world has no email, so the admin gets "not found"; tests/mail/test_mail_log.py
    # reads an existing email as an admin (200) and as every other role (403).
    only("mail.message", "/admin/mail-log/999999", admin=404),
]
