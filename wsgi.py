"""The portal for a WSGI server: `gunicorn wsgi:app` (configured by FLASK_* and DATABASE_URL)."""

from covenant_portal import create_app

app = create_app()
