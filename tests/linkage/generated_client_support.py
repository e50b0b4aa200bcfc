"""Helpers for the tests that drive the API through the client openapi-python-client generates (the fixture that
generates it is in tests/linkage/conftest.py)."""

import importlib

PASSWORD = "Generated-client-2026"
GENERATOR_CONFIG = "content_type_overrides:\n  application/pdf: application/octet-stream\npost_hooks: []\n"


def user_with_password(factory, **kwargs):
    user = factory(**kwargs)
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


def module(package, path):
    return importlib.import_module(f"{package.__name__}.{path}")


def call(package, path, expected, **kwargs):
    response = module(package, f"api.{path}").sync_detailed(**kwargs)
    assert response.status_code == expected, (path, response.status_code, response.content[:600].decode())
    return response.parsed
