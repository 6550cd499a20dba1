"""WSGI entry point (gunicorn baove.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baove.settings")
application = get_wsgi_application()
