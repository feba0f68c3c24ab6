import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(client, settings):
    # The tests read the English source texts; once locale/ carries Thai, the default language (th) would
    # turn messages and pages Thai. PDFs are rendered in Thai on purpose, checked for facts, not labels.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield
