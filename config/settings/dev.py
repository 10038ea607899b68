"""Settings for a developer's machine and the demo started by `make run`.

The Makefile writes random keys to `var/dev.env` once and exports them; nothing secret is
in the code.
"""

from config.settings.base import *  # noqa: F403
