"""Masking identifiers for public display (domain rules: ID numbers keep the first 6 and last 4 characters,
configurable; credit codes are public by law and shown in full)."""

from django.conf import settings


def mask_id_number(value):
    head, tail = settings.PUBLIC_ID_MASK_KEEP
    if not value or len(value) <= head + tail:
        return value
    return value[:head] + "*" * (len(value) - head - tail) + value[-tail:]


def masked_identifier(id_number, credit_code):
    return mask_id_number(id_number) if id_number else credit_code
