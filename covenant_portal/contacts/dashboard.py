"""What named contacts ask of each person now, led with on their dashboard."""

from datetime import datetime

from flask import url_for
from sqlalchemy.orm import Session

from covenant_portal.access import Role
from covenant_portal.accounts.models import User
from covenant_portal.contacts.service import (
    authorities_without_named_contact,
    current_contacts,
    current_named_contact_of,
)
from covenant_portal.web.areas import DashboardAction


def contacts_actions(session: Session, user: User, now: datetime) -> list[DashboardAction]:
    if user.role == Role.PROVIDER:
        if current_contacts(session, user.organisation_id):
            return []
        if user.is_organisation_admin:
            return [
                DashboardAction(
                    "Name a contact for vacancies and referrals",
                    url_for("contacts.new_contact"),
                    "Pledge 2 asks you to name at least one, and you need one to sign the covenant.",
                )
            ]
        return [
            DashboardAction(
                "Your organisation has no named contact",
                url_for("contacts.contacts"),
                "Ask your organisation admin to name one.",
            )
        ]
    if user.role == Role.LA_CONTACT:
        unnamed = {authority.id for authority in authorities_without_named_contact(session)}
        if user.local_authority_id in unnamed and current_named_contact_of(session, user) is None:
            return [
                DashboardAction(
                    f"{user.local_authority.name} has no named contact: become it",
                    url_for("contacts.la_named_contact"),
                    "Providers need someone to talk to about vacancies and referrals (the LAs' pledge 2).",
                )
            ]
        return []
    if user.role == Role.ADMIN:
        unnamed = authorities_without_named_contact(session)
        if unnamed:
            return [
                DashboardAction(
                    f"No named contact in {', '.join(authority.name for authority in unnamed)}",
                    url_for("contacts.admin_named_contacts"),
                )
            ]
    return []
