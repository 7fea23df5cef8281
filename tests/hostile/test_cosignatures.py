"""POST /checkpoint/cosignatures takes a witness's cosigned checkpoint as its body, not a form: the
hostile corpus as that body, and as broken notes, gets a plain 4xx answer, never a server error,
and nothing is kept."""

import pytest
from sqlalchemy import func, select

from covenant_portal.signing.models import CheckpointCosignature
from tests.hostile.corpus import CONTROL_CHARACTERS, LONG, MARKERS, TEXT

BODIES = {
    **{f"text {name}": value for name, value in TEXT.items()},
    **{f"control {name}": value for name, value in CONTROL_CHARACTERS.items()},
    "markers": MARKERS,
    "long": LONG,
    "empty": "",
    "a note with no signature": "gm-first.example/ledger\n1\nAAAA\n\n",
    "a note with a bad signature line": "gm-first.example/ledger\n1\nAAAA\n\n\u2014 witness.example AAAA\n",
    "nested brackets": "[" * 5000,
    "not UTF-8": b"\xff\xfe\x00\x01",
}


@pytest.mark.parametrize("name", sorted(BODIES))
def test_a_hostile_body_is_refused_plainly(client_request, db_session, name):
    body = BODIES[name]
    response = client_request.client.post(
        "/checkpoint/cosignatures",
        data=body.encode() if isinstance(body, str) else body,
        content_type="text/plain; charset=utf-8",
    )
    assert 400 <= response.status_code < 500, (name, response.status_code)
    assert response.mimetype == "text/plain"
    assert "<script" not in response.get_data(as_text=True)
    assert db_session.scalar(select(func.count(CheckpointCosignature.id))) == 0
