from marsad.core.errors import ErrorCode


class AidError(ErrorCode):
    INVALID_INPUT = "aid.invalid_input"
    CATEGORY_UNKNOWN = "aid.category_unknown"
    CATEGORY_INACTIVE = "aid.category_inactive"
    QUANTITY_INVALID = "aid.quantity_invalid"
    VALUE_INVALID = "aid.value_invalid"
    VALUE_REQUIRED = "aid.value_required"
    DATE_INVALID = "aid.date_invalid"
    DATE_IN_FUTURE = "aid.date_in_future"
    PERIOD_INVALID = "aid.period_invalid"
    BENEFICIARY_REQUIRED = "aid.beneficiary_required"
    BENEFICIARY_UNKNOWN = "aid.beneficiary_unknown"
    PERSON_NOT_IN_HOUSEHOLD = "aid.person_not_in_household"
    PROGRAM_UNKNOWN = "aid.program_unknown"
    GOVERNORATE_UNKNOWN = "aid.governorate_unknown"
    DISTRICT_UNKNOWN = "aid.district_unknown"
    NATIONAL_ID_INVALID = "aid.national_id_invalid"
    KEY_REPEATED = "aid.key_repeated"
    BLOCKED = "aid.blocked"
    CONFIRMATION_REQUIRED = "aid.confirmation_required"
    OVERRIDE_NOT_ALLOWED = "aid.override_not_allowed"
    OVERRIDE_REASON_REQUIRED = "aid.override_reason_required"
    ALREADY_REVERSED = "aid.already_reversed"
    NOT_REVERSIBLE = "aid.not_reversible"
    REASON_REQUIRED = "aid.reason_required"


class AidConfigError(ErrorCode):
    """The secretariat's changes to the aid taxonomy and the duplicate-aid rules."""

    INVALID_INPUT = "aid.configuration_invalid"
    CODE_INVALID = "aid.category_code_invalid"
    CODE_TAKEN = "aid.category_code_taken"
    CODE_IN_USE = "aid.category_code_in_use"
    PARENT_INVALID = "aid.category_parent_invalid"
    CHILDREN_ACTIVE = "aid.category_children_active"
    PARENT_INACTIVE = "aid.category_parent_inactive"
    UNIT_VALUE_INVALID = "aid.category_unit_value_invalid"
    LIMIT_INVALID = "aid.rule_limit_invalid"
    RULE_IN_USE = "aid.rule_in_use"
