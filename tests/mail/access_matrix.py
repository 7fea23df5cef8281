from tests.authorization.matrix import only

ROUTES = [
    only("mail.log", "/admin/mail-log", admin=200),
    # An email that does not exist is not found; tests/mail/test_mail_log.py reads an existing email
    # as an admin (200) and as every other role (403).
    only("mail.message", "/admin/mail-log/999999", admin=404),
    # The invitation email in the matrix's world.
    only("mail.message", "/admin/mail-log/{w.links.invitation.id}", admin=200),
]
