"""Placeholder module replaced by the exports work (Excel/PDF); see members/exports.py."""

from django.http import Http404


def _missing(request, *args, **kwargs):
    raise Http404


roster_xlsx = directory_xlsx = directory_pdf = receipt_xlsx = roster_import = _missing
