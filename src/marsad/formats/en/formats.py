"""English as the coalition reads it: Egyptian day-first dates, not the US month-first."""

from marsad.formats.shared import *  # noqa: F403

DATETIME_FORMAT = "j F Y, H:i"
