"""Queues emails the way the portal's services do, from a test template kept here so that these
tests do not depend on the wording of any real email."""

from datetime import datetime
from itertools import count

from flask import current_app
from jinja2 import DictLoader

from covenant_portal.mail.service import queue_email

TEST_TEMPLATES = DictLoader(
    {
        "mail/covenant_notice.txt": "Dear {{ name }},\n\nThe covenant has a new version.\n\n{{ link }}\n",
        "mail/covenant_notice.html": (
            '{% extends "mail/layout.html" %}{% block body %}'
            '<p>Dear {{ name }},</p>\n<p>The covenant has a <a href="{{ link }}">new version</a>.</p>'
            "{% endblock %}"
        ),
    }
)
_sequence = count(1)


def queue_notice(session, to: str, now: datetime, dedupe_key: str | None = None, name: str = "Ada"):
    loaders = current_app.jinja_loader.loaders
    if TEST_TEMPLATES not in loaders:
        loaders.append(TEST_TEMPLATES)
    return queue_email(
        session,
        to=to,
        subject="The covenant has a new version",
        template="covenant_notice",
        dedupe_key=dedupe_key or f"covenant-notice:{next(_sequence)}",
        now=now,
        name=name,
        link="http://localhost/covenant",
    )
