"""Buddhist Era years wherever Django prints a date in Thai through a named format (the admin, {{ date }}).

Django's Thai locale prints "1 มกราคม 2026"; a Thai clerk reads "1 มกราคม 2569". Only the *named* formats
(DATE_FORMAT, SHORT_DATETIME_FORMAT, …) are turned to B.E.: an explicit pattern such as ``|date:"Y-m-d"`` is
machine-readable (an <input type="date"> value, a file name) and stays in the Christian Era.
"""

from django.utils import formats, translation

BE_OFFSET = 543
_original_date_format = formats.date_format


def be_pattern(pattern: str, year_ce: int) -> str:
    """The Django date pattern with its year characters replaced by the escaped B.E. year."""
    year = str(year_ce + BE_OFFSET)
    out, escaped = [], False
    for char in pattern:
        if escaped:
            out.append("\\" + char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "Y":
            out.append("".join("\\" + digit for digit in year))
        elif char == "y":
            out.append("".join("\\" + digit for digit in year[-2:]))
        else:
            out.append(char)
    return "".join(out)


def date_format(value, format=None, use_l10n=None):  # Django's own signature, so it can stand in
    name = format or "DATE_FORMAT"
    thai = (translation.get_language() or "").startswith("th")
    if thai and name in formats.FORMAT_SETTINGS and hasattr(value, "year"):
        return _original_date_format(
            value, be_pattern(formats.get_format(name, use_l10n=use_l10n), value.year)
        )
    return _original_date_format(value, format, use_l10n)


def install() -> None:
    # localize() and the |date filter both look date_format up on the module at call time.
    formats.date_format = date_format
