"""Home, the role-specific dashboard, and the pages linked from the footer."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from covenant_portal.access import ANY_SIGNED_IN, allowed, public
from covenant_portal.pages.navigation import account_items, navigation_items
from covenant_portal.db import get_session, utcnow
from covenant_portal.web.areas import dashboard_actions, dashboard_panels
from covenant_portal.web.views import signed_in_user

blueprint = Blueprint("pages", __name__)


@blueprint.app_context_processor
def inject_navigation():
    return {"navigation_items": navigation_items, "account_items": account_items}


@blueprint.get("/")
@public
def home():
    if current_user.is_authenticated:
        return redirect(url_for("pages.dashboard"))
    return render_template("pages/home.html")


@blueprint.get("/dashboard")
@allowed(*ANY_SIGNED_IN)
def dashboard():
    user = signed_in_user()
    return render_template(
        "pages/dashboard.html",
        actions=dashboard_actions(get_session(), user, utcnow()),
        panels=dashboard_panels(user.role),
    )


@blueprint.get("/accessibility")
@public
def accessibility():
    return render_template("pages/accessibility.html")


@blueprint.get("/privacy")
@public
def privacy():
    return render_template("pages/privacy.html")


@blueprint.get("/cookies")
@public
def cookies():
    return render_template("pages/cookies.html")
