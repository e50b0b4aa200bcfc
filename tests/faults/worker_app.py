"""The project's Celery app for the fault tests' workers (`celery -A tests.faults.worker_app worker`): the same app
and tasks, with a visibility timeout of a few seconds instead of an hour, so the message of a worker killed mid-task
comes back to the next worker within the test instead of an hour later."""

import os

from linkage.celery import app

# The namespaced name, as in linkage/settings.py: with namespace="CELERY" it takes precedence over the plain one.
app.conf.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": float(os.environ["FAULTS_VISIBILITY_TIMEOUT"])}

__all__ = ["app"]
