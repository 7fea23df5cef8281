"""The covenant's rules, in three parts: versions, signing and the register (with the errors they
raise). Callers import from here; each part imports only what it uses."""

from covenant_portal.covenant.service.errors import (  # noqa: F401
    CovenantError,
    NoNamedContact,
    SigningKeyRetired,
    AlreadySigned,
)
from covenant_portal.covenant.service.versions import (  # noqa: F401
    current_version,
    version_numbered,
    published_version_numbered,
    document_bytes,
    all_versions,
    load_first_version,
    Wording,
    wording_of,
    draft_version,
    publish_version,
)
from covenant_portal.covenant.service.signing import (  # noqa: F401
    declaration_for,
    has_named_contact,
    signature_of,
    Signing,
    sign,
    sign_with_current_key,
    signature_for_viewer,
    signatures_visible_to,
    receipt_bytes,
)
from covenant_portal.covenant.service.register import (  # noqa: F401
    RegisterEntry,
    register_entries,
    resigning_due_on,
    SigningState,
    OrganisationStatus,
    status_of,
    every_organisation_status,
    signatories,
)
from covenant_portal.covenant.service.changes import (  # noqa: F401
    WordingChange,
    changes_since_previous,
    previous_version,
    wording_changes,
)
