"""Fail when a translation catalogue is stale or incomplete.

Stale: extracting the messages from the code now would add or remove entries compared with
`locale/<lang>/LC_MESSAGES/django.po`. Incomplete: an entry has no translation or is fuzzy.
Extraction runs on a copy of the sources so the working tree is never touched.

Run `scripts/update_translations.py` to refresh the catalogues, then translate what is new.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = ("ar", "en")


def entry_keys(po: polib.POFile) -> set[tuple[str, str, str]]:
    return {(e.msgctxt or "", e.msgid, e.msgid_plural or "") for e in po if not e.obsolete}


def untranslated(po: polib.POFile) -> list[str]:
    problems = ["fuzzy header: plural forms would be ignored"] if po.metadata_is_fuzzy else []
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
        elif entry.msgid_plural:
            if not entry.msgstr_plural or not all(entry.msgstr_plural.values()):
                problems.append(f"untranslated plural: {entry.msgid!r}")
        elif not entry.msgstr:
            problems.append(f"untranslated: {entry.msgid!r}")
    return problems


def extract(workdir: Path) -> None:
    for name in ("src", "config", "locale"):
        shutil.copytree(ROOT / name, workdir / name, ignore=shutil.ignore_patterns("*.mo"))
    env = {
        **os.environ,
        "PYTHONPATH": f"{workdir}{os.pathsep}{workdir / 'src'}",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "MARSAD_VAR_DIR": str(workdir / "var"),
    }
    command = [sys.executable, "-m", "django", "makemessages", "--no-obsolete", "--no-location"]
    command += [arg for lang in LANGUAGES for arg in ("-l", lang)]
    subprocess.run(command, cwd=workdir, env=env, check=True, capture_output=True)  # noqa: S603


def main() -> int:
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        extract(workdir)
        for lang in LANGUAGES:
            path = Path("locale") / lang / "LC_MESSAGES" / "django.po"
            if not (ROOT / path).exists():
                failures.append(f"{path}: missing")
                continue
            committed = polib.pofile(str(ROOT / path))
            fresh = polib.pofile(str(workdir / path))
            missing = entry_keys(fresh) - entry_keys(committed)
            stale = entry_keys(committed) - entry_keys(fresh)
            failures += [f"{path}: not extracted yet: {key[1]!r}" for key in sorted(missing)]
            failures += [f"{path}: no longer used: {key[1]!r}" for key in sorted(stale)]
            failures += [f"{path}: {problem}" for problem in untranslated(committed)]
    if failures:
        print("\n".join(failures))
        print(
            f"\n{len(failures)} translation problems. Run scripts/update_translations.py, "
            "translate the new entries, and commit the .po files."
        )
        return 1
    print("Translations: complete and up to date.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
