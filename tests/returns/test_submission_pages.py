"""The sign page, a signed version's page, its receipt and document, and starting a correction."""

import hashlib
import json
import re

import pytest
from sqlalchemy import func, select

from covenant_portal.access import Role
from covenant_portal.covenant.service import current_version
from covenant_portal.filters import london_datetime
from covenant_portal.returns.models import QuarterlyReturn, ReturnSubmission
from covenant_portal.signing.models import LedgerEntry
from tests.returns.helpers import filled_return, period_of, sign_again, signed_organisation
from tests.conftest import csrf_token_in, page_title
from tests.covenant.helpers import sslib_keys_from_rows, verify_with_securesystemslib
from tests.factories import create_user, local_authority


@pytest.fixture
def signed(db_session):
    return signed_organisation(db_session, full_name="Amira Khan", job_title="Director of Care")


@pytest.fixture
def quarterly_return(db_session, signed):
    return filled_return(db_session, signed, period_of(db_session))


def sign_url(quarterly_return) -> str:
    """Where the declaration form posts (its URL as first published)."""
    return f"/returns/{quarterly_return.id}/sign"


def check_url(quarterly_return) -> str:
    """Check answers, where the declaration and the sign button are."""
    return f"/returns/{quarterly_return.id}/check"


DRAFT_LOCK = re.compile(r'name="draft_lock" type="hidden" value="(\d+)"')


def sign_through_the_page(client_request, quarterly_return, **typed):
    data = {"confirm": "y", "full_name": "Amira Khan", "job_title": "Director of Care"} | typed
    page = client_request.get(check_url(quarterly_return)).get_data(as_text=True)
    return client_request.client.post(
        sign_url(quarterly_return),
        data={"csrf_token": csrf_token_in(page), "draft_lock": DRAFT_LOCK.search(page).group(1), **data},
    )


def test_signing_through_the_page(client_request, db_session, signed, quarterly_return):
    client_request.login(signed.colleague(db_session))
    page = client_request.get(check_url(quarterly_return)).get_data(as_text=True)
    assert "I confirm that this return for Q1 2026 to 2027 (April to June 2026) is accurate and complete" in page

    response = sign_through_the_page(client_request, quarterly_return)

    found = db_session.scalar(select(ReturnSubmission))
    assert response.status_code == 302
    assert response.location == f"/returns/{quarterly_return.id}/submissions/1?signed=1"
    page = client_request.get(response.location).get_data(as_text=True)
    reference = f"GMF-{found.ledger_seq:06d}"
    assert "Return signed" in page and reference in page
    assert found.signer_name == "Amira Khan" and found.signer_job_title == "Director of Care"
    # The sign page now leads to the signed version.
    assert client_request.get(
        sign_url(quarterly_return), expected_status=302, expected_redirect="returns.submission"
    ).location.endswith("/submissions/1")


def test_the_declaration_is_on_check_answers_and_the_old_sign_page_leads_there(
    client_request, db_session, signed, quarterly_return
):
    client_request.login(signed.user)
    client_request.get(sign_url(quarterly_return), expected_redirect=f"{check_url(quarterly_return)}#send")
    page = client_request.get_page(check_url(quarterly_return))
    assert page.h1 == "Check your answers"
    (form,) = [form for form in page.select("form") if form.get("action") == sign_url(quarterly_return)]
    assert "Now send your return" in page
    assert form.select_one('input[name="confirm"]') and form.select_one('input[name="full_name"]')
    assert "I confirm that this return for Q1 2026 to 2027" in form.get_text()
    assert "Sign and submit the return" in form.get_text()
    # Each pledge's wording is shown with its answer, and each answer can be changed.
    pledges = page.select_one("#check-pledges")
    wordings = [wording.get_text(strip=True) for wording in pledges.select(".app-pledge-wording")]
    assert len(wordings) == 11 and all(wordings)
    assert wordings[0] == quarterly_return_document_pledge(db_session, quarterly_return, 1)
    assert pledges.select(".govuk-summary-list__actions a")[0]["href"] == f"/returns/{quarterly_return.id}/pledges/1"


def quarterly_return_document_pledge(db_session, quarterly_return, number: int) -> str:
    """The covenant's wording of a provider pledge, as the return's document carries it."""
    version = current_version(db_session)
    return next(p["provider_pledge"] for p in version.document["pledges"] if int(p["number"]) == number)


def test_a_form_with_mistakes_keeps_what_was_typed(client_request, db_session, signed, quarterly_return):
    client_request.login(signed.user)
    response = sign_through_the_page(client_request, quarterly_return, confirm="", job_title="Head of Homes")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert page_title(html).startswith("Error: ")
    assert "Confirm that the return is accurate and complete" in html
    assert 'value="Head of Homes"' in html
    assert db_session.scalar(select(ReturnSubmission)) is None

    response = sign_through_the_page(client_request, quarterly_return, full_name="")
    assert response.status_code == 400 and "Enter your full name" in response.get_data(as_text=True)


def test_an_unfinished_return_lists_what_to_finish_and_cannot_be_signed(
    client_request, db_session, signed, quarterly_return
):
    draft = json.loads(json.dumps(quarterly_return.draft))
    draft["pledges"]["7"] = {"status": "not_met", "narrative": "", "from_last_quarter": False}
    draft["contacts"]["from_last_quarter"] = True
    quarterly_return.draft = draft
    db_session.flush()
    client_request.login(signed.user)

    page = client_request.get(check_url(quarterly_return)).get_data(as_text=True)
    assert "You cannot sign the return yet" in page
    assert f'href="/returns/{quarterly_return.id}/pledges/7">Pledge 7: explain how the pledge was kept</a>' in page
    assert (
        f'href="/returns/{quarterly_return.id}/contacts">Named contacts: review the contacts from last quarter</a>'
        in page
    )

    token = csrf_token_in(client_request.get("/sign-out").get_data(as_text=True))  # check answers has no form
    response = client_request.client.post(
        sign_url(quarterly_return),
        data={
            "csrf_token": token,
            "draft_lock": str(quarterly_return.draft_lock),
            "confirm": "y",
            "full_name": "Amira Khan",
            "job_title": "Director",
        },
    )
    assert response.status_code == 400
    assert "Finish every section of the return before you sign it" in response.get_data(as_text=True)
    assert db_session.scalar(select(ReturnSubmission)) is None


def test_a_change_saved_by_a_colleague_after_the_page_opened_is_checked_first(
    client_request, db_session, signed, quarterly_return
):
    client_request.login(signed.user)
    page = client_request.get(check_url(quarterly_return)).get_data(as_text=True)
    token, lock = csrf_token_in(page), quarterly_return.draft_lock
    draft = json.loads(json.dumps(quarterly_return.draft))
    draft["pledges"]["1"]["narrative"] = "A colleague's change."
    quarterly_return.draft, quarterly_return.draft_lock = draft, lock + 1
    db_session.commit()

    response = client_request.client.post(
        sign_url(quarterly_return),
        data={
            "csrf_token": token,
            "draft_lock": str(lock),
            "confirm": "y",
            "full_name": "Amira Khan",
            "job_title": "Director",
        },
    )

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "The return was changed after you opened this page" in html
    assert DRAFT_LOCK.search(html).group(1) == str(lock + 1)
    assert db_session.scalar(select(ReturnSubmission)) is None


def test_a_page_opened_before_signing_says_that_nothing_it_sent_was_saved(
    client_request, db_session, signed, quarterly_return
):
    """Another tab, or the back button: the pledge page and the declaration were opened before the
    return was signed; what they send afterwards is not saved, and the person is told so."""
    client_request.login(signed.user)
    pledge_page = client_request.get(f"/returns/{quarterly_return.id}/pledges/1").get_data(as_text=True)
    second_tab = client_request.get(check_url(quarterly_return)).get_data(as_text=True)
    assert sign_through_the_page(client_request, quarterly_return).status_code == 302
    signed_at = db_session.scalar(select(ReturnSubmission)).signed_at

    for url, page, typed in (
        (f"/returns/{quarterly_return.id}/pledges/1", pledge_page, {"status": "not_met", "narrative": "Typed late."}),
        (sign_url(quarterly_return), second_tab, {"confirm": "y", "full_name": "Amira Khan", "job_title": "Director"}),
    ):
        response = client_request.client.post(
            url, data={"csrf_token": csrf_token_in(page), "draft_lock": DRAFT_LOCK.search(page).group(1), **typed}
        )
        assert response.location == f"/returns/{quarterly_return.id}/submissions/1"
        shown = client_request.get(response.location).page
        assert shown.h1 == "Signed return, version 1"
        assert (
            "Nothing was saved: Amira Khan signed this return (version 1) on "
            f"{london_datetime(signed_at)}. To change an answer, correct the return below."
        ) in shown.text
    assert db_session.scalar(select(func.count(ReturnSubmission.id))) == 1
    db_session.expire_all()
    assert db_session.get(QuarterlyReturn, quarterly_return.id).draft is None
    assert "Typed late." not in json.dumps(db_session.scalar(select(ReturnSubmission)).document)


def test_the_receipt_and_the_document_are_the_signed_bytes(client_request, db_session, signed, quarterly_return):
    client_request.login(signed.user)
    sign_through_the_page(client_request, quarterly_return)
    found = db_session.scalar(select(ReturnSubmission))
    base = f"/returns/{quarterly_return.id}/submissions/1"

    receipt = client_request.get(f"{base}/receipt")
    assert receipt.get_data() == db_session.get(LedgerEntry, found.ledger_seq).envelope
    assert receipt.headers["Content-Disposition"] == (
        f'attachment; filename="gm-first-receipt-GMF-{found.ledger_seq:06d}.json"'
    )
    statement = verify_with_securesystemslib(receipt.get_data(), sslib_keys_from_rows(db_session))
    document = client_request.get(f"{base}/document.json")
    assert document.headers["Content-Disposition"].startswith("attachment;")
    assert hashlib.sha256(document.get_data()).hexdigest() == statement["subject"][0]["digest"]["sha256"]


def test_a_correction_is_signed_as_version_2_showing_what_changed(client_request, db_session, signed, quarterly_return):
    client_request.login(signed.user)
    sign_through_the_page(client_request, quarterly_return)
    version_1 = f"/returns/{quarterly_return.id}/submissions/1"
    assert "Correct this return" in client_request.get(version_1).get_data(as_text=True)

    response = client_request.post(
        f"/returns/{quarterly_return.id}/correct", form_url=version_1, expected_redirect="returns.task_list"
    )
    assert response.location == f"/returns/{quarterly_return.id}"
    db_session.expire_all()
    draft = json.loads(json.dumps(quarterly_return.draft))
    draft["pledges"]["9"] = {"status": "met", "narrative": "", "from_last_quarter": False}
    quarterly_return.draft = draft
    db_session.commit()
    assert "A correction of this return is in progress" in client_request.get(version_1).get_data(as_text=True)

    response = sign_through_the_page(client_request, quarterly_return)
    assert response.location == f"/returns/{quarterly_return.id}/submissions/2?signed=1"
    page = client_request.get(f"/returns/{quarterly_return.id}/submissions/2").get_data(as_text=True)
    assert "What changed from version 1" in page
    assert "Partly met" in page and "How we kept pledge 9." in page
    assert "Version 2 has replaced this version." in client_request.get(version_1).get_data(as_text=True)
    db_session.expire_all()
    assert [s.version for s in db_session.get(QuarterlyReturn, quarterly_return.id).submissions] == [1, 2]


def test_what_changed_shows_an_empty_answer_in_words(client_request, db_session, signed, quarterly_return):
    client_request.login(signed.user)
    sign_through_the_page(client_request, quarterly_return)
    version_1 = f"/returns/{quarterly_return.id}/submissions/1"
    client_request.post(
        f"/returns/{quarterly_return.id}/correct", form_url=version_1, expected_redirect="returns.task_list"
    )
    db_session.expire_all()
    draft = json.loads(json.dumps(quarterly_return.draft))
    draft["pledges"]["9"] = {"status": "met", "narrative": "", "from_last_quarter": False}
    quarterly_return.draft = draft
    db_session.commit()

    page = client_request.get_page(check_url(quarterly_return))

    assert page.table("#changes-table")[1:] == [
        ["Pledge 9: Answer", "Partly met", "Met"],
        ["Pledge 9: How it was kept", "How we kept pledge 9.", "Not answered"],
    ]
    assert "None" not in page.text


def test_who_may_see_a_signed_version(client_request, db_session, signed, quarterly_return):
    client_request.login(signed.user)
    sign_through_the_page(client_request, quarterly_return)
    base = f"/returns/{quarterly_return.id}/submissions/1"
    assert "Your signed receipt" in client_request.get(base).get_data(as_text=True)

    client_request.login(
        create_user(db_session, Role.LA_CONTACT, local_authority=local_authority(db_session, "Bolton"))
    )
    page = client_request.get(base).get_data(as_text=True)
    assert "Correct this return" not in page
    assert "Your signed receipt" not in page and "The signed receipt" in page  # it is the provider's
    client_request.get(f"{base}/receipt")
    client_request.client.post(f"/returns/{quarterly_return.id}/correct")  # not a provider: refused by role

    for outsider in (
        create_user(db_session, Role.PROVIDER),
        create_user(db_session, Role.LA_CONTACT, local_authority=local_authority(db_session, "Wigan")),
    ):
        client_request.login(outsider)
        client_request.get(base, expected_status=404)
        client_request.get(f"{base}/receipt", expected_status=404)
        client_request.get(f"{base}/document.json", expected_status=404)
    client_request.get(sign_url(quarterly_return), expected_status=403)  # an LA contact never signs

    client_request.login(create_user(db_session, Role.PROVIDER))
    client_request.get(sign_url(quarterly_return), expected_status=404)
    client_request.post(f"/returns/{quarterly_return.id}/correct", form_url="/sign-out", expected_status=404)
    client_request.get(f"/returns/{quarterly_return.id}/submissions/2", expected_status=404)


def test_the_receipt_page_says_which_covenant_version_the_return_was_made_under(
    client_request, db_session, signed, quarterly_return
):
    submitted = sign_again(db_session, signed, quarterly_return)
    client_request.login(signed.user)
    url = f"/returns/{quarterly_return.id}/submissions/{submitted.version}"
    number = submitted.document["covenant"]["version"]
    assert client_request.get_page(url).select_one("#covenant-version").get_text(strip=True) == (
        f"Made under version {number} of the covenant."
    )
    # A signed document that does not name it: the version the organisation had signed at the time.
    submitted.document = {key: value for key, value in submitted.document.items() if key != "covenant"}
    db_session.flush()
    assert client_request.get_page(url).select_one("#covenant-version").get_text(strip=True) == (
        f"Made under version {signed.signature.covenant_version.number} of the covenant."
    )


def test_starting_a_correction_is_announced_as_important_not_as_a_success(
    client_request, db_session, signed, quarterly_return
):
    """Nothing is done yet when a correction starts: the banner says what to do, without 'Success'."""
    client_request.login(signed.user)
    sign_through_the_page(client_request, quarterly_return)
    version_1 = f"/returns/{quarterly_return.id}/submissions/1"
    client_request.post(
        f"/returns/{quarterly_return.id}/correct", form_url=version_1, expected_redirect="returns.task_list"
    )
    page = client_request.get_page(f"/returns/{quarterly_return.id}")
    banner = page.select_one(".govuk-notification-banner")
    assert "You are correcting the return" in banner.text
    assert "govuk-notification-banner--success" not in banner.get("class", [])
    assert "Success" not in banner.select_one(".govuk-notification-banner__title").text
