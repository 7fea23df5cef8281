"""gunicorn's settings for the portal: `gunicorn -c gunicorn.conf.py --bind 127.0.0.1:8000 --workers 3`
(gunicorn also reads this file by itself when started in this folder).

gunicorn drops the app's Server header and writes its own, `Server: gunicorn`, naming the server
to whoever asks. Here it writes the portal's neutral one instead (covenant_portal/security.py).
Workers are forked from the process that reads this file."""

import gunicorn.http.wsgi

from covenant_portal.security import SERVER_HEADER

wsgi_app = "wsgi:app"

gunicorn.http.wsgi.SERVER = SERVER_HEADER
