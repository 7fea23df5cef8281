"""The rules behind named contacts that other areas rely on."""

import pytest
from sqlalchemy import func, select, update

from covenant_portal.audit.service import SYSTEM
from covenant_portal.contacts.models import ProviderContact
from covenant_portal.contacts.service import (
    ContactDetails,
    ContactError,
    add_contact,
    change_contact,
    current_contacts,
    remove_contact,
    uk_phone_number,
)
from covenant_portal.db import utcnow
from tests.contacts.contacts import create_contact
from tests.factories import create_provider
from tests.homes.homes import create_home


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("0161 496 0000", "+441614960000"),
        ("07700 900982", "+447700900982"),
        ("07700-900-982", "+447700900982"),
        ("+44 7700 900 982", "+447700900982"),
        ("+44 (0)161 496 0000", "+441614960000"),
        ("0044 161 496 0000", "+441614960000"),
        ("(01204) 333 333", "+441204333333"),
        ("0800 123 456", "+44800123456"),
    ],
)
def test_uk_phone_numbers_in_the_ways_people_type_them(typed, number):
    assert uk_phone_number(typed) == number


@pytest.mark.parametrize(
    "typed",
    ["", "999", "+33 1 23 45 67 89", "00 33 1 23 45 67 89", "0161 496 0000 ext 2", "01614960000000", "+44 0161"],
)
def test_anything_else_is_not_a_uk_phone_number(typed):
    assert uk_phone_number(typed) is None


def test_current_contacts_are_the_organisations_unretired_contacts_by_name(db_session):
    organisation = create_provider(db_session)
    zoe = create_contact(db_session, organisation, name="Zoe")
    amir = create_contact(db_session, organisation, name="Amir")
    create_contact(db_session, organisation, name="Retired", retired_at=utcnow())
    create_contact(db_session, create_provider(db_session), name="Someone else's")
    assert current_contacts(db_session, organisation.id) == [amir, zoe]

    remove_contact(db_session, zoe, SYSTEM, utcnow())
    assert current_contacts(db_session, organisation.id) == [amir]


def test_the_service_refuses_another_organisations_homes(db_session):
    organisation = create_provider(db_session)
    not_ours = create_home(db_session, create_provider(db_session))
    details = ContactDetails("Amir", "Lead", "amir@example.org", "0161 496 0000", frozenset({not_ours.id}))
    with pytest.raises(ContactError) as error:
        add_contact(db_session, organisation.id, details, SYSTEM, utcnow())
    assert error.value.field == "homes"
    assert current_contacts(db_session, organisation.id) == []


@pytest.mark.parametrize("action", ["change", "remove"])
def test_a_contact_someone_else_has_just_retired_is_not_retired_again(db_session, action):
    organisation = create_provider(db_session)
    contact = create_contact(db_session, organisation, name="Amir")
    # Someone else, in another request, retired it after this one loaded it.
    db_session.execute(
        update(ProviderContact).where(ProviderContact.id == contact.id).values(retired_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    db_session.commit()
    assert contact.retired_at is None  # this request's copy does not know yet

    # Changing it re-reads it under a write lock first, so it is found removed (no later version), and
    # says so; removing it finds it retired by the conditional UPDATE.
    refused = {
        "change": "Amir was removed as a named contact after you opened the page",
        "remove": "just been changed or removed by someone else",
    }
    with pytest.raises(ContactError, match=refused[action]):
        if action == "change":
            details = ContactDetails("Amir", "New role", contact.email, contact.phone, frozenset())
            change_contact(db_session, contact, details, SYSTEM, utcnow())
        else:
            remove_contact(db_session, contact, SYSTEM, utcnow())
    assert db_session.scalar(select(func.count(ProviderContact.id))) == 1
    assert current_contacts(db_session, organisation.id) == []
