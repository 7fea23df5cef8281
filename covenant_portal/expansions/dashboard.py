"""What the expansions area asks of people on their dashboards, and its panels' figures."""

from flask import url_for
from flask_login import current_user

from covenant_portal.access import Role
from covenant_portal.db import get_session, utcnow
from covenant_portal.filters import london_day
from covenant_portal.expansions.chasing import service as chasing
from covenant_portal.expansions.models import ProposalStatus
from covenant_portal.expansions.needs import service as needs
from covenant_portal.expansions.proposals.drafts import proposals_of
from covenant_portal.expansions.triage import service as triage
from covenant_portal.web.areas import DashboardAction


def expansion_actions(session, user, now) -> list[DashboardAction]:
    if user.role == Role.LA_CONTACT and user.local_authority_id:
        actions = []
        waiting = triage.queue(session, user.local_authority_id, london_day(now))
        if waiting:
            first = waiting[0]
            actions.append(
                DashboardAction(
                    f"Triage {len(waiting)} expansion proposal{'s' if len(waiting) != 1 else ''}",
                    url_for("expansion_triage.queue"),
                    f"First due: {first.proposal.title}, {first.clock.describe(mid_sentence=True)}",
                )
            )
        return actions + [
            DashboardAction(
                f"Review {need.local_authority.name}’s {need.category.label.lower()} need: its review date, "
                f"{need.review_on:%-d %B %Y}, has passed",
                url_for("expansion_needs.edit_need", need_id=need.id),
                "Change it to say what is needed now, with a new review date, or withdraw it",
            )
            for need in needs.past_review(session, user.local_authority_id, london_day(now))
        ]
    if user.role == Role.PROVIDER and user.organisation_id:
        asked = [
            p for p in proposals_of(session, user.organisation_id) if p.status == ProposalStatus.INFORMATION_REQUESTED
        ]
        return [
            DashboardAction(
                f"Answer the local authority’s question on “{proposal.title}”",
                url_for("expansion_proposals.proposal", proposal_id=proposal.id),
            )
            for proposal in asked
        ]
    if user.role in (Role.ADMIN, Role.ESCALATION_OFFICER):
        return [
            DashboardAction(
                f"Expansion proposal escalated: {due.proposal.host_local_authority.name} has not responded to "
                f"“{due.proposal.title}”",
                url_for("expansion_triage.proposal", proposal_id=due.proposal.id),
                f"The first response was due on {due.clock.due_on:%-d %B %Y} ({due.clock.describe(mid_sentence=True)}); only "
                f"{due.proposal.host_local_authority.name}’s contacts can respond",
            )
            for due in chasing.escalated(session, london_day(now))
            if due.clock is not None
        ]
    return []


def panel_figures():
    """For the panels: called only when a dashboard shows them."""
    session = get_session()
    if current_user.role == Role.PROVIDER:
        return {"proposals": proposals_of(session, current_user.organisation_id)}
    if current_user.role == Role.LA_CONTACT:
        return {"queued": triage.queue(session, current_user.local_authority_id, london_day(utcnow()))}
    return {}
