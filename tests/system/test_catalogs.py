"""The Japanese and Spanish catalogs are complete: every string of the source is translated, none fuzzy."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "accountlink"
LANGUAGES = ["ja", "es"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


@pytest.fixture(scope="module")
def fresh_catalogs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Extract the strings of the current source into a copy of the package, as makemessages would."""
    root = tmp_path_factory.mktemp("catalogs") / "src"
    shutil.copytree(PACKAGE, root / "accountlink", ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    env = {
        **os.environ,
        "PYTHONPATH": str(root),
        "DJANGO_SETTINGS_MODULE": "accountlink.settings.test_consumer",
    }
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "--no-location", *[f"-l{code}" for code in LANGUAGES]],
        cwd=root / "accountlink",
        env=env,
        check=True,
        capture_output=True,
    )
    return root / "accountlink" / "locale"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_source_string_is_translated_and_none_is_fuzzy(fresh_catalogs: Path, language: str) -> None:
    catalog = polib.pofile(str(fresh_catalogs / language / "LC_MESSAGES" / "django.po"))
    untranslated = [entry.msgid for entry in catalog.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalog.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} untranslated in {language}, e.g. {untranslated[:10]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy in {language}, e.g. {fuzzy[:10]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder(language: str) -> None:
    catalog = polib.pofile(str(PACKAGE / "locale" / language / "LC_MESSAGES" / "django.po"))
    for entry in catalog.translated_entries():
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(entry.msgid)), (
                f"{language}: {entry.msgid!r} -> {text!r}"
            )
