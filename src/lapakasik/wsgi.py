import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lapakasik.settings")

from lapakasik.core.admission import AdmissionGate
from lapakasik.core.microcache import MicroCacheApp

django_application = get_wsgi_application()  # sets Django up first: the poll layer imports the apps' models

from lapakasik.booking.waitroom.early import PollThrottle  # noqa: E402

# Outside in: repeated public GETs (availability) are answered from the micro-cache before anything else
# (core/microcache.py); a waiting-room poll already over its limit this minute gets its 429 at once
# (booking/waitroom/early.py); every other request queues in the admission gate, which runs Django on the
# process's WEB_THREADS threads and refuses a booking at once when it could not be answered in time
# (core/admission.py).
application = MicroCacheApp(PollThrottle(AdmissionGate(django_application)))
