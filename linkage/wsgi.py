import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linkage.settings")
application = get_wsgi_application()

# Import now what the first requests would otherwise import while clients wait (linkage/warmup.py).
from linkage.warmup import warm_up  # noqa: E402

warm_up()
