from marsad.core.errors import ErrorCode


class ObservatoryError(ErrorCode):
    UNREADABLE_FILE = "observatory.unreadable_file"
    EMPTY_FILE = "observatory.empty_file"
    MISSING_COLUMNS = "observatory.missing_columns"
    INVALID_ROWS = "observatory.invalid_rows"
    UNKNOWN_LEVEL = "observatory.unknown_level"
    UNKNOWN_MEASURE = "observatory.unknown_measure"
    UNKNOWN_SECTOR = "observatory.unknown_sector"
    UNKNOWN_PERIOD = "observatory.unknown_period"
    UNKNOWN_AREA = "observatory.unknown_area"
