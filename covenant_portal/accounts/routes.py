from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from covenant_portal.access import ANY_SIGNED_IN, allowed, public
from covenant_portal.accounts import service
from covenant_portal.accounts.forms import LoginForm, SignOutForm
from covenant_portal.db import get_session, utcnow
from covenant_portal.web import current_actor, is_safe_next_url

blueprint = Blueprint("accounts", __name__)


@blueprint.route("/sign-in", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("pages.dashboard"))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("accounts/login.html", form=form), 400 if form.is_submitted() else 200
    try:
        user = service.authenticate(get_session(), form.email.data, form.password.data, current_actor(), utcnow())
    except service.LoginThrottled as error:
        form.email.errors.append(str(error))
        return render_template("accounts/login.html", form=form), 429
    if user is None:
        form.email.errors.append("Enter a correct email address and password")
        return render_template("accounts/login.html", form=form), 400
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
