from tests.authorization.matrix import only, signed_in

# Provider A's named contact, in the matrix's world: provider B (another organisation) must not find it.
CONTACT = "/contacts/{w.provider_a_contact.id}"
NO_SUCH_CONTACT = 2_000_000_000

ROUTES = [
    only("contacts.contacts", "/contacts", provider_a=200, provider_b=200),
    only("contacts.history", "/contacts/history", provider_a=200, provider_b=200),
    only("contacts.new_contact", "/contacts/new", provider_a=200, provider_b=200),
    only("contacts.new_contact", "/contacts/new", method="POST", provider_a=400, provider_b=400),
    only("contacts.edit_contact", f"{CONTACT}/edit", provider_a=200, provider_b=404),
    # Sent empty, the form is refused (and shown again) for provider A.
    only("contacts.edit_contact", f"{CONTACT}/edit", method="POST", provider_a=400, provider_b=404),
    # Provider A is asked to confirm first.
    only("contacts.remove_contact", f"{CONTACT}/remove", provider_a=200, provider_b=404),
    # Provider A removes its contact and is sent back to its list.
    only("contacts.remove_contact", f"{CONTACT}/remove", method="POST", provider_a=302, provider_b=404),
    only("contacts.la_named_contact", "/la/named-contact", la_contact=200),
    only("contacts.la_named_contact", "/la/named-contact", method="POST", la_contact=400),
    only("contacts.admin_named_contacts", "/admin/named-contacts", admin=200),
    only("contacts.admin_name_contact", "/admin/named-contacts/{w.la_contact.id}", admin=200),
    only("contacts.admin_name_contact", "/admin/named-contacts/{w.la_contact.id}", method="POST", admin=400),
    # Only LA contact users can be named: anyone else is not found.
    only("contacts.admin_name_contact", "/admin/named-contacts/{w.provider_a.id}", admin=404),
    only("contacts.admin_end_named_contact", f"/admin/named-contacts/{NO_SUCH_CONTACT}/end", admin=404),
    only(
        "contacts.admin_end_named_contact",
        f"/admin/named-contacts/{NO_SUCH_CONTACT}/end",
        method="POST",
        admin=404,
    ),
    # The LA contact, named for Bolton in the matrix's world: the admin is asked to confirm first.
    only("contacts.admin_end_named_contact", "/admin/named-contacts/{w.la_named_contact.id}/end", admin=200),
    signed_in("contacts.directory", "/directory"),
]
