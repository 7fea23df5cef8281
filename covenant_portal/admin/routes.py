"""Portal admins manage users: list and filter them, invite staff, deactivate and reactivate."""

from flask import Blueprint, flash, redirect, render_template, request, url_for

from covenant_portal.access import allowed
from covenant_portal.accounts import management
from covenant_portal.web.forms import add_error
from covenant_portal.accounts.models import User
from covenant_portal.access import Role
from covenant_portal.web.views import Confirmation, confirmation_page, email_links, form_page, signed_in_user
from covenant_portal.accounts.service import AccountError, FieldError
from covenant_portal.admin import service
from covenant_portal.admin.forms import InviteUserForm, UserFilterForm
from covenant_portal.db import get_session, utcnow
from covenant_portal.web import current_actor, found_or_404
from covenant_portal.web.ids import refuse_ids_of_nothing

blueprint = Blueprint("admin", __name__, url_prefix="/admin")


@blueprint.get("/users")
@allowed(Role.ADMIN)
def users():
    session = get_session()
    refuse_ids_of_nothing(request.args, "organisation", "local_authority")
    form = UserFilterForm(service.provider_organisations(session), service.local_authorities(session), request.args)
    if not form.validate():
        return render_template("admin/users.html", form=form, users=None), 400
    user_filter = service.UserFilter.from_strings(
        request.args.get("role"), request.args.get("organisation"), request.args.get("local_authority")
    )
    return render_template("admin/users.html", form=form, users=service.find_users(session, user_filter))


@blueprint.route("/users/invite", methods=["GET", "POST"])
@allowed(Role.ADMIN)
def invite_user():
    session = get_session()
    form = InviteUserForm(service.local_authorities(session))
    if not form.validate_on_submit():
        return form_page("admin/users_invite.html", form)
    invitation = management.Invitation(
        full_name=form.full_name.data,
        job_title=form.job_title.data,
        email=form.email.data,
        role=Role(form.role.data),
        local_authority=service.local_authority(session, form.local_authority.data),
    )
    try:
        invited = management.invite_staff(
            session, email_links(), signed_in_user(), invitation, current_actor(), utcnow()
        )
    except FieldError as error:
        add_error(form, error.field, str(error))
        return form_page("admin/users_invite.html", form)
    flash(f"We have emailed an invitation to {invited.full_name} at {invited.email}.", "success")
    return redirect(url_for("admin.user_detail", user_id=invited.id))


@blueprint.get("/users/<int:user_id>")
@allowed(Role.ADMIN)
def user_detail(user_id):
    user = found_or_404(get_session().get(User, user_id))
    invited_by = get_session().get(User, user.invited_by_id) if user.invited_by_id else None
    return render_template("admin/users_detail.html", user=user, invited_by=invited_by)


def _confirm_deactivate_user(user_id):
    user = found_or_404(get_session().get(User, user_id))
    if user.deactivated_at is not None or user.id == signed_in_user().id:
        return redirect(url_for("admin.user_detail", user_id=user.id))
    return confirmation_page(
        Confirmation(
            heading=f"Deactivate {user.full_name}’s account?",
            consequences=management.deactivation_consequences(user),
            button="Deactivate this account",
            action_url=url_for("admin.deactivate_user", user_id=user.id),
            cancel_url=url_for("admin.user_detail", user_id=user.id),
            warning="Deactivating takes effect straight away.",
        )
    )


@blueprint.route("/users/<int:user_id>/deactivate", methods=["GET", "POST"])
@allowed(Role.ADMIN)
def deactivate_user(user_id):
    if request.method == "GET":  # what will happen, to confirm first
        return _confirm_deactivate_user(user_id)
    user = found_or_404(get_session().get(User, user_id))
    try:
        management.deactivate(get_session(), user, signed_in_user(), current_actor(), utcnow())
    except AccountError as error:
        flash(str(error), "error")
    else:
        flash(f"{user.full_name}’s account is deactivated. They have been signed out.", "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@blueprint.post("/users/<int:user_id>/reactivate")
@allowed(Role.ADMIN)
def reactivate_user(user_id):
    user = found_or_404(get_session().get(User, user_id))
    management.reactivate(get_session(), user, current_actor(), utcnow())
    flash(f"{user.full_name}’s account is active again.", "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))
