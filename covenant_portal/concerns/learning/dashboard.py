"""What the learning library asks of people on their dashboards: officers, to write up the
learning of closed concerns no summary has come from yet, and to publish drafts; the parties, to say whether their names
may be shown with a draft summary of their concern."""

from flask import url_for

from covenant_portal.concerns.learning import service
from covenant_portal.concerns.learning.models import SummaryStatus
from covenant_portal.concerns.service import is_officer
from covenant_portal.web.areas import DashboardAction


def learning_actions(session, user, now) -> list[DashboardAction]:
    if is_officer(user):
        return [
            DashboardAction(
                f"Write a learning summary of closed concern {concern.id}",
                url_for("learning.from_concern", concern_id=concern.id),
                "Share what was learned in the library, without names unless both parties agree",
            )
            for concern in service.closed_without_summary(session)
        ] + [
            DashboardAction(
                f"Publish the draft learning summary “{summary.title}”",
                url_for("learning.summary", summary_id=summary.id),
                "Nobody else can find it in the library until it is published",
            )
            for summary in service.unpublished_drafts(session)
        ]
    return [
        DashboardAction(
            f"Say whether your name may be shown with the learning summary of concern {summary.concern_id}",
            url_for("learning.names", summary_id=summary.id),
            "Names are shown only if both parties agree",
        )
        for summary in service.summaries_to_agree(session, user)
        if summary.status is SummaryStatus.DRAFT
        and getattr(summary, f"{service.party_role(summary, user)}_agreed_at") is None
    ]
