"""The Thai catalogue is complete: every msgid has a Thai msgstr, none is fuzzy, placeholders match."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

PO_PATH = Path(settings.BASE_DIR) / "locale" / "th" / "LC_MESSAGES" / "django.po"
_FIELD = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$')
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def parse_po(text: str) -> list[dict]:
    """Entries of a .po file as dicts (field → text, plus 'flags'); obsolete ``#~`` entries are skipped."""
    entries = []
    for block in text.split("\n\n"):
        entry: dict = {"flags": set()}
        key = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif match := _FIELD.match(line):
                key = match.group(1)
                entry[key] = _unescape(match.group(2))
            elif line.startswith('"') and key:
                entry[key] += _unescape(line[1:-1])
        if "msgid" in entry:
            entries.append(entry)
    return entries


def _messages() -> list[dict]:
    return [e for e in parse_po(PO_PATH.read_text(encoding="utf-8")) if e["msgid"]]


def test_parse_po_reads_flags_plurals_and_continuations():
    entries = parse_po('#, fuzzy, python-format\nmsgid ""\n"a %(n)s"\nmsgstr "x"\n\n'
                       'msgid "one"\nmsgid_plural "many"\nmsgstr[0] ""\n\n#~ msgid "old"\n#~ msgstr ""\n')
    assert entries[0] == {"flags": {"fuzzy", "python-format"}, "msgid": "a %(n)s", "msgstr": "x"}
    assert entries[1]["msgid_plural"] == "many" and entries[1]["msgstr[0]"] == ""
    assert len(entries) == 2


def test_catalogue_exists_and_is_not_trivially_small():
    assert len(_messages()) > 200


def test_every_message_has_a_thai_translation_and_none_is_fuzzy():
    empty, fuzzy = [], []
    for entry in _messages():
        translations = [value for key, value in entry.items() if key.startswith("msgstr")]
        if not translations or not all(t.strip() for t in translations):
            empty.append(entry["msgid"])
        if "fuzzy" in entry["flags"]:
            fuzzy.append(entry["msgid"])
    assert empty == [], f"untranslated: {empty}"
    assert fuzzy == [], f"fuzzy: {fuzzy}"


def test_header_is_not_fuzzy_and_declares_thai():
    header = next(e for e in parse_po(PO_PATH.read_text(encoding="utf-8")) if e["msgid"] == "")
    assert "fuzzy" not in header["flags"]
    assert "Language: th\n" in header["msgstr"]


def _thai(entry: dict) -> str:
    return entry.get("msgstr", entry.get("msgstr[0]", ""))


def test_translations_keep_every_placeholder():
    wrong = [e["msgid"] for e in _messages()
             if set(_PLACEHOLDER.findall(e["msgid"])) != set(_PLACEHOLDER.findall(_thai(e)))]
    assert wrong == []


def test_translations_are_thai_text():
    # Codes and units (EPSG, UTM, bbox) may stay in Latin letters, but each message must contain Thai.
    thai = re.compile(r"[\u0E00-\u0E7F]")
    not_thai = [e["msgid"] for e in _messages() if not thai.search(_thai(e))]
    assert not_thai == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
def test_msgfmt_accepts_the_catalogue_with_nothing_fuzzy_or_untranslated():
    result = subprocess.run(["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(PO_PATH)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "translated message" in result.stderr
    assert "fuzzy" not in result.stderr and "untranslated" not in result.stderr


def test_the_compiled_catalogue_is_loaded():
    # The .mo is built by compilemessages (setup script); without it every page falls back to English.
    with translation.override("th"):
        assert translation.gettext("Mapping work") == "งานแผนที่"
    with translation.override("en"):
        assert translation.gettext("Mapping work") == "Mapping work"
