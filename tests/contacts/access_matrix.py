from tests.authorization.matrix import only, signed_in

# The matrix's world has people but no contacts: one that does not exist is not found by those allowed
# to look (tests/contacts prove another organisation's real contact answers the same).
NO_SUCH_CONTACT = 2_000_000_000

ROUTES = [
    only("contacts.contacts", "/contacts", provider_a=200, provider_b=200),
    only("contacts.history", "/contacts/history", provider_a=200, provider_b=200),
    only("contacts.new_contact", "/contacts/new", provider_a=200, provider_b=200),
    only("contacts.new_contact", "/contacts/new", method="POST", provider_a=400, provider_b=400),
    only("contacts.edit_contact", f"/contacts/{NO_SUCH_CONTACT}/edit", provider_a=404, provider_b=404),
    only(
        "contacts.edit_contact", f"/contacts/{NO_SUCH_CONTACT}/edit", method="POST", provider_a=404, provider_b=404
    ),
    only(
        "contacts.remove_contact", f"/contacts/{NO_SUCH_CONTACT}/remove", method="POST",
        provider_a=404, provider_b=404,
    ),
    only("contacts.la_named_contact", "/la/named-contact", la_contact=200),
    only("contacts.la_named_contact", "/la/named-contact", method="POST", la_contact=400),
    only("contacts.admin_named_contacts", "/admin/named-contacts", admin=200),
    only("contacts.admin_name_contact", "/admin/named-contacts/{w.la_contact.id}", admin=200),
    only("contacts.admin_name_contact", "/admin/named-contacts/{w.la_contact.id}", method="POST", admin=400),
    # Only LA contact users can be named: anyone else is not found.
    only("contacts.admin_name_contact", "/admin/named-contacts/{w.provider_a.id}", admin=404),
    only(
        "contacts.admin_end_named_contact", f"/admin/named-contacts/{NO_SUCH_CONTACT}/end", method="POST",
        admin=404,
    ),
    signed_in("contacts.directory", "/directory"),
]
