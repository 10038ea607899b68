from marsad.core.errors import ErrorCode


class RegistryError(ErrorCode):
    INVALID_INPUT = "registry.invalid_input"
    NAME_REQUIRED = "registry.name_required"
    NAME_TOO_LONG = "registry.name_too_long"
    GENDER_REQUIRED = "registry.gender_required"
    NATIONAL_ID_INVALID_CHARACTERS = "registry.national_id.invalid_characters"
    NATIONAL_ID_WRONG_LENGTH = "registry.national_id.wrong_length"
    NATIONAL_ID_INVALID_CENTURY = "registry.national_id.invalid_century"
    NATIONAL_ID_INVALID_BIRTH_DATE = "registry.national_id.invalid_birth_date"
    NATIONAL_ID_FUTURE_BIRTH_DATE = "registry.national_id.future_birth_date"
    NATIONAL_ID_UNKNOWN_GOVERNORATE = "registry.national_id.unknown_governorate"
    NATIONAL_ID_DIGITS_LOST = "registry.national_id.digits_lost"
    NATIONAL_ID_OTHER_NAME = "registry.national_id.other_name"
    NATIONAL_ID_TRIES_EXHAUSTED = "registry.national_id.tries_exhausted"
    BIRTH_DATE_IN_FUTURE = "registry.birth_date_in_future"
    BIRTH_DATE_TOO_OLD = "registry.birth_date_too_old"
    UNKNOWN_GOVERNORATE = "registry.unknown_governorate"
    UNKNOWN_DISTRICT = "registry.unknown_district"
    INVALID_PHONE = "registry.invalid_phone"
    NO_MEMBERS = "registry.no_members"
    NO_HEAD = "registry.no_head"
    HOUSEHOLD_HAS_HEAD = "registry.household_has_head"
    CONFIRMATION_REQUIRED = "registry.confirmation_required"
    ALREADY_REGISTERED = "registry.already_registered"
    DUPLICATE_IN_REQUEST = "registry.duplicate_in_request"


class RegistryWarning(ErrorCode):
    CHECK_DIGIT = "registry.warning.check_digit"
    GENDER_MISMATCH = "registry.warning.gender_mismatch"
    BIRTH_DATE_MISMATCH = "registry.warning.birth_date_mismatch"
