"""Check your answers (GOV.UK "check answers" pattern): the draft's answers in summary lists, each
with a Change link, then "Now send your return" with the declaration and the sign button on the
same page. The form posts to the sign URL (routes.py), which shows this page again with its errors."""

from flask import url_for
from flask_login import current_user

from covenant_portal.access import Role, allowed
from covenant_portal.db import get_session
from covenant_portal.returns.blueprint import blueprint
from covenant_portal.returns.drafts import service as drafts
from covenant_portal.returns.drafts.routes import covenant_pledges, draft_context, own_draft
from covenant_portal.returns.models import PledgeStatus, QuarterlyReturn
from covenant_portal.returns.submission import service
from covenant_portal.returns.submission.document import differences, document_for
from covenant_portal.returns.submission.forms import SignReturnForm
from covenant_portal.web.views import form_page, link


def sign_form(quarterly_return: QuarterlyReturn, **kwargs) -> SignReturnForm:
    """The declaration and signer's details; typed values come from the request when posted."""
    return SignReturnForm(
        service.declaration_for(quarterly_return),
        data={
            "full_name": current_user.full_name,
            "job_title": current_user.job_title,
            "draft_lock": quarterly_return.draft_lock,
        },
        **kwargs,
    )


def sign_blockers_url(quarterly_return: QuarterlyReturn, unfinished: service.Unfinished) -> str | None:
    if unfinished.section == "pledge":
        return link("returns.pledge", return_id=quarterly_return.id, number=unfinished.pledge_number)
    return link(f"returns.{unfinished.section}", return_id=quarterly_return.id)


def check_answers_page(quarterly_return: QuarterlyReturn, form: SignReturnForm, blockers=None):
    """The page (200, or 400 with the form's errors). `blockers`: what stops signing, if the
    signing service found more than the draft shows (it is worked out here otherwise)."""
    session = get_session()
    document = document_for(session, quarterly_return, quarterly_return.draft)
    compared = drafts.compared_submission(session, quarterly_return)
    sections = drafts.sections(session, quarterly_return, covenant_pledges())
    if blockers is None:
        blockers = service.unfinished_sections(quarterly_return, quarterly_return.draft, document)
    context = draft_context(
        quarterly_return,
        document=document,
        draft=quarterly_return.draft,
        sections=sections,
        unfinished=[section for section in sections if section.status != drafts.SectionStatus.COMPLETED],
        blockers=blockers,
        blocker_url=sign_blockers_url,
        compared=compared,
        changes=differences(compared.document, document) if compared is not None else [],
        met=PledgeStatus.MET,
        correcting=quarterly_return.latest_submission is not None,
        sign_url=url_for("returns.sign", return_id=quarterly_return.id),
        evidence_url=lambda number: link("returns.evidence", return_id=quarterly_return.id, number=number),
    )
    return form_page("returns/check.html", form, **context)


@blueprint.get("/returns/<int:return_id>/check")
@allowed(Role.PROVIDER)
def check(return_id):
    quarterly_return, elsewhere = own_draft(return_id)
    if elsewhere:
        return elsewhere
    return check_answers_page(quarterly_return, sign_form(quarterly_return, formdata=None))
