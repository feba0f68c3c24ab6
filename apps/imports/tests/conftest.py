import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    # Uploads land in a per-test folder; jobs run inline (no thread) so a test sees the result at once.
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.GIS_PORTAL_IMPORT_RUN_IN_THREAD = False
    # Messages are asserted in their English source text; test_messages_speak_thai checks the other language.
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
