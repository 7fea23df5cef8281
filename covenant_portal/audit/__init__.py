from covenant_portal.audit import service
from covenant_portal.audit.service import Actor, record

__all__ = ["Actor", "record", "service"]
