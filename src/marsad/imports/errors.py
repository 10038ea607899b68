"""Stable codes of the bulk import: files that cannot be used, and values a row cannot use."""

from marsad.core.errors import ErrorCode


class ImportsError(ErrorCode):
    # The file or the request
    UNREADABLE_FILE = "imports.unreadable_file"
    EMPTY_FILE = "imports.empty_file"
    FILE_TOO_LARGE = "imports.file_too_large"
    UNKNOWN_KIND = "imports.unknown_kind"
    MAPPING_INCOMPLETE = "imports.mapping_incomplete"
    UNKNOWN_COLUMN = "imports.unknown_column"
    UNKNOWN_FIELD = "imports.unknown_field"
    WRONG_STATUS = "imports.wrong_status"
    PURGED = "imports.purged"
    # Values inside a row
    INVALID_DATE = "imports.invalid_date"
    INCOMPLETE_DATE = "imports.incomplete_date"
    INVALID_NUMBER = "imports.invalid_number"
    TOO_LONG = "imports.too_long"
    UNKNOWN_GENDER = "imports.unknown_gender"
    GENDER_REQUIRED = "imports.gender_required"
    UNKNOWN_RELATION = "imports.unknown_relation"
    UNKNOWN_CHOICE = "imports.unknown_choice"
    UNKNOWN_GOVERNORATE = "imports.unknown_governorate"
    UNKNOWN_DISTRICT = "imports.unknown_district"
    HOUSEHOLD_REF_REQUIRED = "imports.household_ref_required"
    HOUSEHOLD_INCOMPLETE = "imports.household_incomplete"
    GOVERNORATE_REQUIRED = "imports.governorate_required"
