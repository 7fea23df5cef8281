"""Concerns: raised, resolved in time, then reflective practice and shared learning (issue 13)."""

from covenant_portal.concerns.closure import CONCERN_CLOSURE
from covenant_portal.concerns.audit_words import CONCERNS_AUDIT_VOCABULARY
from covenant_portal.concerns.routes import blueprint
from covenant_portal.web.areas import Area

AREA = Area(
    name="concerns",
    blueprints=(blueprint,),
    record_kinds=(CONCERN_CLOSURE,),
    audit_vocabulary=CONCERNS_AUDIT_VOCABULARY,
)
