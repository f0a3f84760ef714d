import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lapakasik.settings")

from lapakasik.core.microcache import MicroCacheApp

# Repeated public GETs (availability) are answered before Django is entered: see core/microcache.py.
application = MicroCacheApp(get_wsgi_application())
