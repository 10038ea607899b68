from marsad.core.errors import ApplicationError, CoreError


def test_application_error_carries_a_stable_code_and_field():
    error = ApplicationError(code=CoreError.INVALID_INPUT, message="bad", field="name_ar")
    assert (error.code, error.field, str(error)) == (
        "core.invalid_input",
        "name_ar",
        "core.invalid_input: bad",
    )
