"""Refresh locale/ar and locale/en from the code; English entries are filled with the source.

After running it, translate the new (empty) Arabic entries and compile with
`marsad compilemessages`. `scripts/check_translations.py` (part of `make test`) fails while
any entry is missing, stale, empty or fuzzy.
"""

import os
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    command = [
        str(ROOT / ".venv" / "bin" / "marsad"),
        "makemessages",
        "-l",
        "ar",
        "-l",
        "en",
        "--no-obsolete",
        "--no-location",
        "--ignore=.venv",
        "--ignore=node_modules",
        "--ignore=var",
        "--ignore=tests",
        "--ignore=benchmarks",
    ]
    subprocess.run(command, cwd=ROOT, env=env, check=True)  # noqa: S603
    english = polib.pofile(str(ROOT / "locale/en/LC_MESSAGES/django.po"))
    for entry in english:
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    english.metadata_is_fuzzy = False
    english.save()
    arabic = polib.pofile(str(ROOT / "locale/ar/LC_MESSAGES/django.po"))
    arabic.metadata_is_fuzzy = False
    arabic.save()
    todo = [e.msgid for e in arabic if not e.msgstr and not e.msgstr_plural.get(0)]
    print(f"{len(todo)} Arabic entries need a translation.", file=sys.stderr)


if __name__ == "__main__":
    main()
