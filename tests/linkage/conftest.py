"""Fixtures shared by the generated-client tests: the Python client openapi-python-client generates from the schema
the running server publishes, once per module (generation is the slow part)."""

import importlib
import subprocess
import sys

import pytest

from .generated_client_support import GENERATOR_CONFIG


@pytest.fixture(scope="module")
def generated_client(live_server, tmp_path_factory):
    """The client generated from the live schema, importable as `linkage_client`; the generator must not warn."""
    import httpx

    where = tmp_path_factory.mktemp("generated_client")
    schema = httpx.get(f"{live_server.url}/api/v1/schema/?format=json", timeout=60)
    assert schema.status_code == 200
    (where / "schema.json").write_bytes(schema.content)
    (where / "config.yaml").write_text(GENERATOR_CONFIG)
    generated = subprocess.run(
        [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            str(where / "schema.json"),
            "--output-path",
            str(where / "linkage_client"),
            "--meta",
            "none",
            "--config",
            str(where / "config.yaml"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert "WARNING" not in generated.stdout, generated.stdout
    sys.path.insert(0, str(where))
    try:
        yield importlib.import_module("linkage_client")
    finally:
        sys.path.remove(str(where))
        for name in [name for name in sys.modules if name == "linkage_client" or name.startswith("linkage_client.")]:
            del sys.modules[name]


@pytest.fixture
def client_package(generated_client, reference_data):
    """The generated client, with the reference rows a transactional test needs loaded."""
    return generated_client
