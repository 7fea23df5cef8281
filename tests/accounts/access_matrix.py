from tests.authorization.matrix import Route, only, public, signed_in

# Links from emails carry a token; a token that is not one is refused the same way for everyone.
BAD_TOKEN = "not-a-token"

ROUTES = [
    Route("accounts.login", "GET", "/sign-in", {"anonymous": 200}, otherwise=302),
    Route("accounts.login", "POST", "/sign-in", {"anonymous": 400}, otherwise=302),
    signed_in("accounts.logout", "/sign-out"),
    signed_in("accounts.logout", "/sign-out", method="POST", status=302),
    signed_in("accounts.account", "/account"),
    # Sign-up is for people without an account: the signed in are sent to their dashboard.
    Route("accounts.sign_up", "GET", "/sign-up", {"anonymous": 200}, otherwise=302),
    Route("accounts.sign_up", "POST", "/sign-up", {"anonymous": 400}, otherwise=302),
    public("accounts.sign_up_check_email", "/sign-up/check-your-email"),
    public("accounts.verify_email", f"/verify-email/{BAD_TOKEN}", status=400),
    public("accounts.resend_verification", "/verify-email/resend"),
    public("accounts.resend_verification", "/verify-email/resend", method="POST", status=400),
    public("accounts.forgotten_password", "/forgotten-password"),
    public("accounts.forgotten_password", "/forgotten-password", method="POST", status=400),
    public("accounts.forgotten_password_check_email", "/forgotten-password/check-your-email"),
    public("accounts.reset_password", f"/reset-password/{BAD_TOKEN}", status=400),
    public("accounts.reset_password", f"/reset-password/{BAD_TOKEN}", method="POST", status=400),
    public("accounts.activate", f"/activate/{BAD_TOKEN}", status=400),
    public("accounts.activate", f"/activate/{BAD_TOKEN}", method="POST", status=400),
    public("accounts.confirm_email_change", f"/account/confirm-email/{BAD_TOKEN}", status=400),
    # Good links from emails, in the matrix's world: the invited escalation officer's, and a password
    # reset for provider A's colleague. Anyone holding the link sees its form.
    public("accounts.activate", "{w.links.activate}"),
    public("accounts.reset_password", "/reset-password/{w.links.reset_password}"),
    signed_in("accounts.change_password", "/account/change-password"),
    signed_in("accounts.change_password", "/account/change-password", method="POST", status=400),
    signed_in("accounts.change_email", "/account/change-email"),
    signed_in("accounts.change_email", "/account/change-email", method="POST", status=400),
    # Teams belong to provider organisation admins; another organisation's member is not found.
    only("accounts.team", "/team", provider_a=200, provider_b=200),
    only("accounts.team_invite", "/team/invite", provider_a=200, provider_b=200),
    only("accounts.team_invite", "/team/invite", method="POST", provider_a=400, provider_b=400),
    only("accounts.team_deactivate", "/team/{w.provider_a_colleague.id}/deactivate", provider_a=200, provider_b=404),
    only(
        "accounts.team_deactivate",
        "/team/{w.provider_a_colleague.id}/deactivate",
        method="POST",
        provider_a=302,
        provider_b=404,
    ),
    only(
        "accounts.team_reactivate",
        "/team/{w.provider_a_colleague.id}/reactivate",
        method="POST",
        provider_a=302,
        provider_b=404,
    ),
]
