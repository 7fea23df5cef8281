"""Named contacts for pledge 2: each provider's contacts for vacancies and referrals, each LA's named
contacts, and the directory of who to talk to in each Greater Manchester LA."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from covenant_portal.access import ANY_SIGNED_IN, allowed
from covenant_portal.web.forms import add_error
from covenant_portal.access import Role
from covenant_portal.web.views import Confirmation, confirmation_page, form_page, signed_in_user
from covenant_portal.contacts import service
from covenant_portal.contacts.forms import ContactForm, NamedContactForm
from covenant_portal.db import get_session, utcnow
from covenant_portal.homes.service import homes_of
from covenant_portal.web import current_actor, found_or_404, stale

blueprint = Blueprint("contacts", __name__)


@blueprint.app_template_filter("tel_href")
def tel_href(phone: str) -> str:
    """A tel: link that dials from anywhere, whatever format the number was typed in."""
    return "tel:" + (service.uk_phone_number(phone) or phone)


@blueprint.app_context_processor
def inject_pledge_two_status():
    # Functions, called by the dashboards only when they show them, so other pages query nothing.
    return {
        "organisation_contacts": lambda: service.current_contacts(get_session(), current_user.organisation_id),
        "my_named_contact": lambda: service.current_named_contact_of(get_session(), current_user),
        "authorities_without_named_contact": lambda: service.authorities_without_named_contact(get_session()),
    }


# Provider contacts


def _own_current_contact(contact_id: int):
    return found_or_404(service.current_contact_of(get_session(), current_user.organisation_id, contact_id))


@blueprint.get("/contacts")
@allowed(Role.PROVIDER)
def contacts():
    current = service.current_contacts(get_session(), current_user.organisation_id)
    return render_template("contacts/list.html", contacts=current)


@blueprint.route("/contacts/new", methods=["GET", "POST"])
@allowed(Role.PROVIDER, organisation_admin=True)
def new_contact():
    session = get_session()
    form = ContactForm(homes_of(session, current_user.organisation_id))
    if not form.validate_on_submit():
        return form_page("contacts/form.html", form, contact=None)
    try:
        contact = service.add_contact(session, current_user.organisation_id, form.details(), current_actor(), utcnow())
    except service.ContactError as error:
        add_error(form, error.field, str(error))
        return form_page("contacts/form.html", form, contact=None)
    flash(f"{contact.name} is now a named contact for vacancies and referrals.", "success")
    return redirect(url_for("contacts.contacts"))


@blueprint.route("/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@allowed(Role.PROVIDER, organisation_admin=True)
def edit_contact(contact_id):
    session = get_session()
    organisation_id = current_user.organisation_id
    contact = service.current_contact_of(session, organisation_id, contact_id)
    if contact is None and request.method == "GET":  # a past version's page leads to its current one
        current = found_or_404(service.successor_of(session, organisation_id, contact_id))
        return redirect(url_for("contacts.edit_contact", contact_id=current.id))
    if contact is None:  # sent from a page opened before someone changed or removed the contact
        contact = found_or_404(service.past_version_of(session, organisation_id, contact_id))
    homes = homes_of(session, organisation_id)
    # A submitted form shows what was typed; otherwise the contact as they are.
    form = ContactForm(homes) if request.method == "POST" else ContactForm.for_contact(homes, contact)
    # Changed meanwhile (409): what was typed, beside their details, on the current version's page.
    stale.show_again("contacts/form.html", current_as="contact", form=form)
    valid = form.validate_on_submit()
    try:
        if contact.retired_at is not None:
            service.still_current(session, contact, current_actor())  # what was typed, with any mistakes
        if not valid:
            return form_page("contacts/form.html", form, contact=contact)
        new_version = service.change_contact(session, contact, form.details(), current_actor(), utcnow())
    except service.ContactError as error:
        if error.field is None:  # removed by someone else after the page was opened
            return _back_to_contacts(str(error))
        add_error(form, error.field, str(error))
        return form_page("contacts/form.html", form, contact=contact)
    flash(f"{new_version.name}’s details have been updated." if new_version else "Nothing was changed.", "success")
    return redirect(url_for("contacts.contacts"))


def _confirm_remove_contact(contact_id):
    contact = _own_current_contact(contact_id)
    organisation = contact.organisation.name
    consequences = [
        f"{contact.name} will no longer be a named contact for {organisation}.",
        "Local authorities will no longer be told to contact them about vacancies and referrals.",
        "They stay in your named contacts’ history.",
    ]
    if service.is_last_contact(get_session(), contact):
        consequences.append(
            f"{organisation} will have no named contact. Pledge 2 asks you to name at least one, and you need "
            "one to sign the covenant."
        )
    return confirmation_page(
        Confirmation(
            heading=f"Remove {contact.name} as a named contact?",
            consequences=consequences,
            button=f"Remove {contact.name}",
            action_url=url_for("contacts.remove_contact", contact_id=contact.id),
            cancel_url=url_for("contacts.contacts"),
            warning="To name them again, add them as a new contact.",
        )
    )


@blueprint.route("/contacts/<int:contact_id>/remove", methods=["GET", "POST"])
@allowed(Role.PROVIDER, organisation_admin=True)
def remove_contact(contact_id):
    if request.method == "GET":  # what will happen, to confirm first
        return _confirm_remove_contact(contact_id)
    contact = _own_current_contact(contact_id)
    try:
        remaining = service.remove_contact(get_session(), contact, current_actor(), utcnow())
    except service.ContactError as error:
        return _back_to_contacts(str(error))
    flash(f"{contact.name} is no longer a named contact.", "success")
    if not remaining:
        flash("Your organisation now has no named contact. Name someone for vacancies and referrals.", "warning")
    return redirect(url_for("contacts.contacts"))


def _back_to_contacts(message: str):
    flash(message, "error")
    return redirect(url_for("contacts.contacts"))


@blueprint.get("/contacts/history")
@allowed(Role.PROVIDER)
def history():
    versions = service.contact_history(get_session(), current_user.organisation_id)
    return render_template("contacts/history.html", versions=versions)


# Local authority named contacts


@blueprint.route("/la/named-contact", methods=["GET", "POST"])
@allowed(Role.LA_CONTACT)
def la_named_contact():
    session, user = get_session(), signed_in_user()
    named = service.current_named_contact_of(session, user)
    if request.method == "POST" and request.form.get("action") == "stop":
        return _stop_being_named(named)
    form = NamedContactForm() if request.method == "POST" else NamedContactForm.for_named_contact(named, user.email)
    if not form.validate_on_submit():
        history = service.named_contact_history(session, user.local_authority_id)
        return form_page("contacts/la_named_contact.html", form, named=named, history=history)
    saved = service.name_la_contact(session, user, form.email.data, form.phone.data, current_actor(), utcnow())
    if saved is None:
        flash("Nothing was changed.", "success")
    elif named is None:
        flash(f"You are now a named contact for {user.local_authority.name}.", "success")
    else:
        flash("Your details for providers have been updated.", "success")
    return redirect(url_for("contacts.la_named_contact"))


def _stop_being_named(named):
    if named is not None:
        service.end_named_contact(get_session(), named, current_actor(), utcnow())
        flash(f"You are no longer a named contact for {named.local_authority.name}.", "success")
    return redirect(url_for("contacts.la_named_contact"))


@blueprint.get("/admin/named-contacts")
@allowed(Role.ADMIN)
def admin_named_contacts():
    session = get_session()
    entries = service.directory(session)
    named_user_ids = {named.user_id for _authority, contacts in entries for named in contacts}
    not_named = [user for user in service.la_contact_users(session) if user.id not in named_user_ids]
    missing = [authority for authority, contacts in entries if not contacts]
    return render_template("contacts/admin_named_contacts.html", entries=entries, missing=missing, not_named=not_named)


@blueprint.route("/admin/named-contacts/<int:user_id>", methods=["GET", "POST"])
@allowed(Role.ADMIN)
def admin_name_contact(user_id):
    session = get_session()
    user = found_or_404(service.la_contact_user(session, user_id))
    named = service.current_named_contact_of(session, user)
    form = NamedContactForm() if request.method == "POST" else NamedContactForm.for_named_contact(named, user.email)
    if not form.validate_on_submit():
        return form_page("contacts/admin_name_contact.html", form, user=user, named=named)
    saved = service.name_la_contact(session, user, form.email.data, form.phone.data, current_actor(), utcnow())
    if saved is None:
        flash("Nothing was changed.", "success")
    else:
        flash(f"{user.full_name} is a named contact for {user.local_authority.name}.", "success")
    return redirect(url_for("contacts.admin_named_contacts"))


def _confirm_end_named_contact(named_contact_id):
    named = found_or_404(service.current_named_contact(get_session(), named_contact_id))
    authority = named.local_authority.name
    return confirmation_page(
        Confirmation(
            heading=f"End {named.user.full_name} as a named contact for {authority}?",
            consequences=[
                f"Providers will no longer see {named.user.full_name} in the directory as a contact for {authority}.",
                f"{named.user.full_name} keeps their account, and can become a named contact again.",
                "Their time as a named contact stays in the history.",
            ]
            + (
                [f"{authority} will have no named contact: the dashboard will show it until someone is named."]
                if service.is_last_named_contact(get_session(), named)
                else []
            ),
            button=f"End {named.user.full_name} as a named contact",
            action_url=url_for("contacts.admin_end_named_contact", named_contact_id=named.id),
            cancel_url=url_for("contacts.admin_named_contacts"),
            warning="This takes effect straight away.",
        )
    )


@blueprint.route("/admin/named-contacts/<int:named_contact_id>/end", methods=["GET", "POST"])
@allowed(Role.ADMIN)
def admin_end_named_contact(named_contact_id):
    if request.method == "GET":  # what will happen, to confirm first
        return _confirm_end_named_contact(named_contact_id)
    named = found_or_404(service.current_named_contact(get_session(), named_contact_id))
    service.end_named_contact(get_session(), named, current_actor(), utcnow())
    flash(f"{named.user.full_name} is no longer a named contact for {named.local_authority.name}.", "success")
    return redirect(url_for("contacts.admin_named_contacts"))


@blueprint.get("/directory")
@allowed(*ANY_SIGNED_IN)
def directory():
    return render_template("contacts/directory.html", entries=service.directory(get_session()))
