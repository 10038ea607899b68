"""Arabic (Egypt). Django's own "ar" formats use a decimal comma and leave the date-and-time
formats to its month-first defaults; these replace them."""

from marsad.formats.shared import *  # noqa: F403

DATETIME_FORMAT = "j F Y، H:i"
