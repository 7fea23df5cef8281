"""The provider's quarterly-returns blueprint, shared by its three route modules: routes.py (the
draft, section by section), submission_routes.py (signing and signed versions) and
evidence_routes.py (evidence files). The app factory imports all three before registering it."""

from flask import Blueprint

blueprint = Blueprint("returns", __name__)
