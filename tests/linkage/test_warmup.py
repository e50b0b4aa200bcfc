"""A worker loads the URL configuration and pypinyin before its first request (linkage/warmup.py, run by
linkage/wsgi.py), so no client waits on imports: checked in a fresh interpreter, where nothing is loaded yet."""

import json
import os
import subprocess
import sys

from django.conf import settings

# What a first request does that imports code: resolve a path, reverse a name in a namespace, search by name.
FIRST_REQUESTS = """
import json, sys
before = set(sys.modules)
from django.urls import resolve, reverse
resolve("/api/v1/public/debtors/")
reverse("home"), reverse("blacklist:public-search")
from blacklist.listings.services import name_pinyin
name_pinyin("李四")
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def _modules_imported_by_first_requests(start):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env["DJANGO_SETTINGS_MODULE"] = "linkage.settings"
    result = subprocess.run([sys.executable, "-c", start + FIRST_REQUESTS], cwd=settings.BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_wsgi_application_is_warm_before_its_first_request():
    assert _modules_imported_by_first_requests("import linkage.wsgi\n") == []


def test_without_the_warm_up_the_first_requests_import_the_url_configuration_and_pypinyin():
    imported = _modules_imported_by_first_requests("import django; django.setup()\n")
    assert "linkage.urls" in imported
    assert "rest_framework.views" in imported
    assert "pypinyin" in imported
