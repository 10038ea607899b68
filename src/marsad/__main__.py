"""The `marsad` console script: Django's management commands plus Marsad's own.

`marsad demo load`, `marsad geo import-boundaries FILE --level district`, `marsad migrate` ...
"""

import os
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> None:
    repo_root = Path(__file__).resolve().parents[2]
    if (repo_root / "config").is_dir() and str(repo_root) not in sys.path:
        sys.path.insert(0, str(repo_root))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["marsad", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
