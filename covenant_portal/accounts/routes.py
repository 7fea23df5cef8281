from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from covenant_portal.access import ANY_SIGNED_IN, allowed, public
from covenant_portal.accounts import email_requests, management, service
from covenant_portal.accounts.email_throttle import EmailRequestPurpose, EmailThrottleSettings, admit_email_request
from covenant_portal.accounts.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    EmailForm,
    InviteColleagueForm,
    LoginForm,
    NewPasswordForm,
    SignOutForm,
    SignUpForm,
)
from covenant_portal.web.forms import add_error
from covenant_portal.access import Role
from covenant_portal.accounts.passwords import PasswordSettings
from covenant_portal.accounts.throttle import ThrottleSettings
from covenant_portal.accounts.tokens import LinkProblem, Purpose
from covenant_portal.db import get_session, utcnow
from covenant_portal.web import current_actor, found_or_404, is_safe_next_url
from covenant_portal.web.views import Confirmation, confirmation_page, email_links, form_page, signed_in_user

blueprint = Blueprint("accounts", __name__)

# The address we last sent a link to, shown on the "check your email" pages.
SENT_TO = "accounts.sent_link_to"


def link_problem(problem: LinkProblem, purpose: Purpose):
    return render_template("accounts/link_problem.html", reason=problem.reason, purpose=str(purpose)), 400


def passwords() -> PasswordSettings:
    return PasswordSettings.from_config(current_app.config)


@blueprint.app_context_processor
def inject_organisation_admins():
    # A function, so only the pages that show it (the provider's dashboard) query it.
    def organisation_admin_names() -> list[str]:
        if not current_user.is_authenticated or current_user.organisation_id is None:
            return []
        return management.organisation_admin_names(get_session(), current_user.organisation_id)

    return {"organisation_admin_names": organisation_admin_names}


@blueprint.route("/sign-in", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("pages.dashboard"))
    form = LoginForm()
    if not form.validate_on_submit():
        return form_page("accounts/login.html", form)
    try:
        throttle = ThrottleSettings.from_config(current_app.config)
        user = service.authenticate(
            get_session(), throttle, passwords(), form.email.data, form.password.data, current_actor(), utcnow()
        )
    except service.LoginThrottled as error:
        form.email.errors.append(str(error))
        return render_template("accounts/login.html", form=form), 429
    if user is None:
        form.email.errors.append("Enter a correct email address and password")
        return render_template("accounts/login.html", form=form), 400
    # A permanent session expires SESSION_LIFETIME_MINUTES after the last request, not at sign-in.
    session.permanent = True
    login_user(user, remember=form.remember_me.data)
    next_url = request.args.get("next")
    return redirect(next_url if is_safe_next_url(next_url) else url_for("pages.dashboard"))


@blueprint.route("/sign-out", methods=["GET", "POST"])
@allowed(*ANY_SIGNED_IN)
def logout():
    # Signing out is a POST (with CSRF) from this page's button, so no link can sign anyone out.
    form = SignOutForm()
    if not form.validate_on_submit():
        return render_template("accounts/sign_out.html", form=form)
    logout_user()
    flash("You have signed out.", "success")
    return redirect(url_for("accounts.login"))


@blueprint.get("/account")
@allowed(*ANY_SIGNED_IN)
def account():
    return render_template("accounts/account.html")


# Sign-up and email verification


@blueprint.route("/sign-up", methods=["GET", "POST"])
@public
def sign_up():
    if current_user.is_authenticated:
        return redirect(url_for("pages.dashboard"))
    form = SignUpForm()
    if not form.validate_on_submit():
        return form_page("accounts/sign_up.html", form)
    details = service.SignUp(
        organisation_name=form.organisation_name.data,
        companies_house_number=form.companies_house_number.data,
        charity_number=form.charity_number.data,
        ofsted_provider_urn=form.ofsted_provider_urn.data,
        full_name=form.full_name.data,
        job_title=form.job_title.data,
        email=form.email.data,
        password=form.password.data,
    )
    try:
        if _admitted(EmailRequestPurpose.SIGN_UP, form.email.data):
            service.sign_up(get_session(), email_links(), passwords(), details, current_actor(), utcnow())
    except service.FieldError as error:
        add_error(form, error.field, str(error))
        return form_page("accounts/sign_up.html", form)
    session[SENT_TO] = service.normalise_email(form.email.data)
    return redirect(url_for("accounts.sign_up_check_email"))


def _admitted(purpose: EmailRequestPurpose, email: str) -> bool:
    """Whether a public form may send this email (accounts/email_throttle.py). The page that
    follows is the same either way: over the limit, nothing is sent and nobody is told."""
    settings = EmailThrottleSettings.from_config(current_app.config)
    return admit_email_request(get_session(), settings, purpose, email, request.remote_addr, utcnow())


@blueprint.get("/sign-up/check-your-email")
@public
def sign_up_check_email():
    return render_template("accounts/check_email.html", email=session.get(SENT_TO))


@blueprint.get("/verify-email/<token>")
@public
def verify_email(token):
    # A GET, because it is followed from an email; the token is single-use, so replaying it does nothing.
    try:
        service.verify_email(get_session(), email_links(), token, current_actor(), utcnow())
    except LinkProblem as problem:
        return link_problem(problem, Purpose.VERIFY_EMAIL)
    flash("Your email address is confirmed. You can now sign in.", "success")
    return redirect(url_for("accounts.login"))


@blueprint.route("/verify-email/resend", methods=["GET", "POST"])
@public
def resend_verification():
    form = EmailForm()
    if not form.validate_on_submit():
        return form_page("accounts/resend_verification.html", form)
    if _admitted(EmailRequestPurpose.VERIFICATION, form.email.data):
        email_requests.resend_verification(get_session(), email_links(), form.email.data, current_actor(), utcnow())
    session[SENT_TO] = service.normalise_email(form.email.data)
    return redirect(url_for("accounts.sign_up_check_email"))


# Forgotten password


@blueprint.route("/forgotten-password", methods=["GET", "POST"])
@public
def forgotten_password():
    form = EmailForm()
    if not form.validate_on_submit():
        return form_page("accounts/forgotten_password.html", form)
    if _admitted(EmailRequestPurpose.PASSWORD_RESET, form.email.data):
        email_requests.request_password_reset(get_session(), email_links(), form.email.data, current_actor(), utcnow())
    session[SENT_TO] = service.normalise_email(form.email.data)
    return redirect(url_for("accounts.forgotten_password_check_email"))


@blueprint.get("/forgotten-password/check-your-email")
@public
def forgotten_password_check_email():
    return render_template("accounts/forgotten_password_check_email.html", email=session.get(SENT_TO))


@blueprint.route("/reset-password/<token>", methods=["GET", "POST"])
@public
def reset_password(token):
    try:
        user = service.user_for_reset_link(get_session(), email_links(), token, utcnow())
    except LinkProblem as problem:
        return link_problem(problem, Purpose.RESET_PASSWORD)
    form = NewPasswordForm()
    if not form.validate_on_submit():
        return form_page("accounts/reset_password.html", form, user=user)
    try:
        service.reset_password(
            get_session(), email_links(), passwords(), token, form.password.data, current_actor(), utcnow()
        )
    except service.FieldError as error:
        add_error(form, error.field, str(error))
        return form_page("accounts/reset_password.html", form, user=user)
    except LinkProblem as problem:
        return link_problem(problem, Purpose.RESET_PASSWORD)
    flash("Your password has been changed. Sign in with your new password.", "success")
    return redirect(url_for("accounts.login"))


# Changes to your own account


@blueprint.route("/account/change-password", methods=["GET", "POST"])
@allowed(*ANY_SIGNED_IN)
def change_password():
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return form_page("accounts/change_password.html", form)
    try:
        service.change_password(
            get_session(),
            email_links(),
            passwords(),
            signed_in_user(),
            form.current_password.data,
            form.password.data,
            current_actor(),
            utcnow(),
        )
    except service.FieldError as error:
        add_error(form, error.field, str(error))
        return form_page("accounts/change_password.html", form)
    # The session version changed, which signs out every other device; keep this one signed in.
    remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
    login_user(signed_in_user(), remember=remembered)
    flash("Your password has been changed. You have been signed out on any other devices.", "success")
    return redirect(url_for("accounts.account"))


@blueprint.route("/account/change-email", methods=["GET", "POST"])
@allowed(*ANY_SIGNED_IN)
def change_email():
    form = ChangeEmailForm()
    if not form.validate_on_submit():
        return form_page("accounts/change_email.html", form)
    try:
        service.request_email_change(
            get_session(),
            email_links(),
            passwords(),
            signed_in_user(),
            form.password.data,
            form.email.data,
            current_actor(),
            utcnow(),
        )
    except service.FieldError as error:
        add_error(form, error.field, str(error))
        return form_page("accounts/change_email.html", form)
    flash(
        f"We have sent a link to {current_user.pending_email}. Follow it within "
        f"{service.link_hours(email_links())} hours to finish changing your email address.",
        "success",
    )
    return redirect(url_for("accounts.account"))


@blueprint.get("/account/confirm-email/<token>")
@public
def confirm_email_change(token):
    # Public: following the link proves control of the new address, whichever browser opens it.
    try:
        user = service.confirm_email_change(get_session(), email_links(), token, current_actor(), utcnow())
    except LinkProblem as problem:
        return link_problem(problem, Purpose.CHANGE_EMAIL)
    except service.AccountError as error:
        return render_template("accounts/email_not_changed.html", message=str(error)), 400
    flash(f"Your email address is now {user.email}.", "success")
    signed_in_as_them = current_user.is_authenticated and current_user.id == user.id
    return redirect(url_for("accounts.account" if signed_in_as_them else "accounts.login"))


# Invitations


@blueprint.route("/activate/<token>", methods=["GET", "POST"])
@public
def activate(token):
    try:
        user = management.user_for_invitation(get_session(), email_links(), token, utcnow())
    except LinkProblem as problem:
        return link_problem(problem, Purpose.ACTIVATE)
    form = NewPasswordForm()
    if not form.validate_on_submit():
        return form_page("accounts/activate.html", form, user=user)
    try:
        management.activate(
            get_session(), email_links(), passwords(), token, form.password.data, current_actor(), utcnow()
        )
    except service.FieldError as error:
        add_error(form, error.field, str(error))
        return form_page("accounts/activate.html", form, user=user)
    except LinkProblem as problem:
        return link_problem(problem, Purpose.ACTIVATE)
    flash("Your account is ready. Sign in with your email address and new password.", "success")
    return redirect(url_for("accounts.login"))


# A provider organisation's team, managed by its organisation admins


@blueprint.get("/team")
@allowed(Role.PROVIDER, organisation_admin=True)
def team():
    members = management.team_of(get_session(), current_user.organisation_id)
    return render_template("accounts/team.html", members=members)


@blueprint.route("/team/invite", methods=["GET", "POST"])
@allowed(Role.PROVIDER, organisation_admin=True)
def team_invite():
    form = InviteColleagueForm()
    if not form.validate_on_submit():
        return form_page("accounts/team_invite.html", form)
    try:
        management.invite_colleague(
            get_session(),
            email_links(),
            signed_in_user(),
            form.full_name.data,
            form.job_title.data,
            form.email.data,
            form.is_organisation_admin.data,
            current_actor(),
            utcnow(),
        )
    except service.FieldError as error:
        add_error(form, error.field, str(error))
        return form_page("accounts/team_invite.html", form)
    # The same message whether or not the address has an account in another organisation, which
    # an organisation admin must not learn (management.invite_colleague).
    flash(
        f"If {form.email.data} can join {current_user.organisation.name}, "
        f"we have emailed {form.full_name.data} an invitation.",
        "success",
    )
    return redirect(url_for("accounts.team"))


def _confirm_team_deactivate(user_id):
    member = found_or_404(management.team_member(get_session(), signed_in_user(), user_id))
    if member.deactivated_at is not None or member.id == signed_in_user().id:
        return redirect(url_for("accounts.team"))
    return confirmation_page(
        Confirmation(
            heading=f"Deactivate {member.full_name}’s account?",
            consequences=management.deactivation_consequences(member),
            button=f"Deactivate {member.full_name}",
            action_url=url_for("accounts.team_deactivate", user_id=member.id),
            cancel_url=url_for("accounts.team"),
            caption=member.organisation.name,
            warning="Deactivating takes effect straight away.",
        )
    )


@blueprint.route("/team/<int:user_id>/deactivate", methods=["GET", "POST"])
@allowed(Role.PROVIDER, organisation_admin=True)
def team_deactivate(user_id):
    if request.method == "GET":  # what will happen, to confirm first
        return _confirm_team_deactivate(user_id)
    member = found_or_404(management.team_member(get_session(), signed_in_user(), user_id))
    try:
        management.deactivate(get_session(), member, signed_in_user(), current_actor(), utcnow())
    except service.AccountError as error:
        flash(str(error), "error")
        return redirect(url_for("accounts.team"))
    flash(f"{member.full_name}’s account is deactivated. They have been signed out.", "success")
    return redirect(url_for("accounts.team"))


@blueprint.post("/team/<int:user_id>/reactivate")
@allowed(Role.PROVIDER, organisation_admin=True)
def team_reactivate(user_id):
    member = found_or_404(management.team_member(get_session(), signed_in_user(), user_id))
    management.reactivate(get_session(), member, current_actor(), utcnow())
    flash(f"{member.full_name}’s account is active again.", "success")
    return redirect(url_for("accounts.team"))
