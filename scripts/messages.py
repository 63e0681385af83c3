"""Refresh the translation catalogues.

1. `makemessages` for zh_Hant and en (new msgids appear, existing translations stay).
2. zh_Hant: empty entries are filled from `locale/fragments/*.po`, where each feature keeps
   the translations of its own strings; entries still empty are listed and make this fail.
3. en: msgids are English, so every msgstr is the msgid (the catalogue is complete).
4. `compilemessages`.
"""

import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
MANAGE = [sys.executable, str(ROOT / "manage.py")]
IGNORE = [
    "--ignore=.venv",
    "--ignore=var",
    "--ignore=staticfiles",
    "--ignore=bench",
    "--ignore=tests",
]


def run(*args: str) -> None:
    subprocess.run([*MANAGE, *args], cwd=ROOT, check=True)


def fragments() -> dict[tuple[str, str], polib.POEntry]:
    found: dict[tuple[str, str], polib.POEntry] = {}
    for path in sorted((ROOT / "locale" / "fragments").glob("*.po")):
        for entry in polib.pofile(str(path)):
            if entry.msgstr or entry.msgstr_plural:
                found.setdefault((entry.msgctxt or "", entry.msgid), entry)
    return found


def main() -> int:
    run("makemessages", "-l", "zh_Hant", "-l", "en", "--no-obsolete", "--no-location", *IGNORE)
    translations = fragments()
    zh_path = ROOT / "locale" / "zh_Hant" / "LC_MESSAGES" / "django.po"
    zh = polib.pofile(str(zh_path))
    missing = []
    for entry in zh:
        source = translations.get((entry.msgctxt or "", entry.msgid))
        if source is not None and (not entry.translated() or "fuzzy" in entry.flags):
            entry.msgstr = source.msgstr
            if entry.msgid_plural:
                entry.msgstr_plural = dict(source.msgstr_plural) or {0: source.msgstr}
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        if not entry.translated():
            missing.append(entry.msgid)
    zh.metadata["Language"] = "zh_Hant"
    zh.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    zh.save()

    en_path = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
    en = polib.pofile(str(en_path))
    for entry in en:
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    en.save()

    run("compilemessages", "--ignore=.venv", "-v", "0")
    if missing:
        print(f"{len(missing)} zh_Hant entries have no translation:")
        for msgid in missing:
            print("  ", msgid.replace("\n", "\\n")[:120])
        return 1
    print(f"zh_Hant: {len(zh)} entries, all translated; en: {len(en)} entries.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
