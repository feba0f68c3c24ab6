"""Labels that exist in both languages in the domain code lists (so they need no .po entry)."""

from django.utils.functional import lazy
from django.utils.translation import get_language


def _pick(thai: str, english: str) -> str:
    language = (get_language() or "th").split("-")[0]
    return english if language == "en" else thai


bilingual = lazy(_pick, str)


def choices_from(code_list) -> list[tuple]:
    """(code, Thai, English) rows → Django choices whose label follows the active language."""
    return [(code, bilingual(thai, english)) for code, thai, english in code_list]
