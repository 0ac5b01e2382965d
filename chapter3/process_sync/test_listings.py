"""The section's listings as programs: their quick settings, variants, and English.

Not claims: checks that every listing can be run as the book runs it, and that every line
it prints has its English in the catalog (compiled)."""

from __future__ import annotations

import gettext
from pathlib import Path

from babel.messages.extract import extract_from_file
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from chapter3 import process_sync
from chapter3.kit.observe import LOCALE

HERE = Path(__file__).parent
LISTINGS = sorted(p.stem for p in HERE.glob("*.py") if not p.stem.startswith(("test_", "_")))
CATALOG = Path(LOCALE) / "en" / "LC_MESSAGES" / "messages"


def test_every_listing_has_quick_settings_and_every_variant_names_a_listing():
    assert sorted(process_sync.QUICK) == LISTINGS
    for key, params in process_sync.VARIANTS.items():
        listing, _, name = key.partition("@")
        assert listing in LISTINGS and name and params


def test_every_printed_line_has_its_english_and_the_catalog_is_compiled():
    with open(CATALOG.with_suffix(".po"), "rb") as f:
        po = read_po(f, locale="en")
    with open(CATALOG.with_suffix(".mo"), "rb") as f:
        mo = read_mo(f)
    assert {m.id: m.string for m in po if m.id} == {m.id: m.string for m in mo if m.id}
    english = gettext.translation("messages", LOCALE, languages=["en"])
    for name in LISTINGS:
        for _line, msgid, _c, _x in extract_from_file("python", HERE / f"{name}.py"):
            assert po.get(msgid) and po[msgid].string, f"{name}: no English for {msgid!r}"
            assert english.gettext(msgid) == po[msgid].string
            assert not any("\u4e00" <= ch <= "\u9fff" for ch in po[msgid].string), msgid
