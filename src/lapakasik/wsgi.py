import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lapakasik.settings")

from lapakasik.core.admission import AdmissionGate
from lapakasik.core.microcache import MicroCacheApp

# Outside in: repeated public GETs (availability) are answered from the micro-cache before anything else
# (core/microcache.py); every other request queues in the admission gate, which runs Django on the
# process's WEB_THREADS threads and refuses a booking at once when it could not be answered in time
# (core/admission.py).
application = MicroCacheApp(AdmissionGate(get_wsgi_application()))
