"""What the covenant asks of each person now, led with on their dashboard."""

from datetime import datetime

from flask import current_app, url_for
from sqlalchemy.orm import Session

from covenant_portal.access import Role
from covenant_portal.filters import LONDON
from covenant_portal.accounts.management import organisation_admin_names
from covenant_portal.accounts.models import User
from covenant_portal.covenant.chasing.service import escalated_organisation_ids
from covenant_portal.covenant.service import (
    SigningState,
    current_version,
    every_organisation_status,
    has_named_contact,
    resigning_due_on,
    status_of,
)
from covenant_portal.covenant.service.la_signing import authority_status
from covenant_portal.homes.service import organisations_with_a_home_in
from covenant_portal.web.areas import DashboardAction


def covenant_actions(session: Session, user: User, now: datetime) -> list[DashboardAction]:
    version = current_version(session)
    if version is None:
        return []
    if user.role == Role.PROVIDER:
        return _provider_actions(session, user, version, now)
    statuses = every_organisation_status(session)
    if user.role == Role.LA_CONTACT:
        hosted = set(session.scalars(organisations_with_a_home_in(user.local_authority_id)))
        statuses = [status for status in statuses if status.organisation.id in hosted]
        where = f" with homes in {user.local_authority.name}"
    else:
        where = ""
    unsigned = [status for status in statuses if status.state != SigningState.SIGNED_CURRENT]
    if not unsigned:
        return []
    escalated_ids = escalated_organisation_ids(session, version)
    escalated = [status for status in unsigned if status.organisation.id in escalated_ids]
    actions = [
        DashboardAction(
            f"{_providers(unsigned)}{where} {_have(unsigned)} not signed version {version.number} of the covenant",
            url_for("covenant.all_signatories"),
            _names(unsigned),
        )
    ]
    if escalated:
        actions.append(
            DashboardAction(
                f"{_providers(escalated)}{where} {_have(escalated)} been escalated for not re-signing: "
                f"version {version.number} of the covenant was due to be signed by "
                f"{resigning_due_on(version, _grace_weeks()):%-d %B %Y}",
                url_for("covenant.all_signatories"),
                _names(escalated),
            )
        )
    return actions


def _providers(statuses) -> str:
    return "1 provider" if len(statuses) == 1 else f"{len(statuses)} providers"


def _have(statuses) -> str:
    return "has" if len(statuses) == 1 else "have"


def _names(statuses) -> str:
    return ", ".join(status.organisation.name for status in statuses[:3]) + (" and others" if len(statuses) > 3 else "")


def _grace_weeks() -> int:
    return int(current_app.config["COVENANT_RESIGN_GRACE_WEEKS"])


def _provider_actions(session: Session, user: User, version, now: datetime) -> list[DashboardAction]:
    status = status_of(session, user.organisation)
    if status.state == SigningState.SIGNED_CURRENT:
        return []
    hint = _resigning_hint(status, version, now) if status.state == SigningState.SIGN_AGAIN else ""
    if user.is_organisation_admin and not has_named_contact(session, user.organisation_id):
        hint = f"{hint} Name a contact for vacancies and referrals first: you need one to sign.".strip()
    if user.is_organisation_admin:
        # The version matters to an organisation signing again; one that never signed just signs it.
        text = (
            "Sign the covenant"
            if status.state == SigningState.NOT_SIGNED
            else f"Sign version {version.number} of the covenant"
        )
        return [DashboardAction(text, url_for("covenant.sign"), hint)]
    admins = organisation_admin_names(session, user.organisation_id)
    return [
        DashboardAction(
            f"Version {version.number} of the covenant is waiting to be signed",
            url_for("covenant.read"),
            f"Your organisation admins can sign it: {', '.join(admins)}." if admins else hint,
        )
    ]


def _resigning_hint(status, version, now: datetime) -> str:
    signed = status.latest.covenant_version.number
    due_on = resigning_due_on(version, _grace_weeks())
    if due_on is None:
        return ""
    if now.astimezone(LONDON).date() <= due_on:
        return f"You signed version {signed}. Sign this one by {due_on:%-d %B %Y} to stay on the register."
    return (
        f"You signed version {signed}. Re-signing was due by {due_on:%-d %B %Y}: until you sign this one, "
        "your organisation is not on the public register."
    )


def la_covenant_actions(session: Session, user: User, now: datetime) -> list[DashboardAction]:
    """An LA contact of an authority that has not signed the current version is asked to sign it."""
    if user.role != Role.LA_CONTACT or user.local_authority is None:
        return []
    status = authority_status(session, user.local_authority)
    if status.current is None or status.signed_current:
        return []
    hint = (
        f"{user.local_authority.name} signed version {status.latest.covenant_version.number}: sign the new version."
        if status.latest is not None
        else "Your authorised officer signs the local authorities’ pledges; you sign on their authority."
    )
    return [DashboardAction(f"Sign the covenant for {user.local_authority.name}", url_for("la_covenant.sign"), hint)]
