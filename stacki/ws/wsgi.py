"""The WSGI application of the web service (for gunicorn or any WSGI server)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stacki.settings")

from stacki import home

home.setup()
application = get_wsgi_application()
