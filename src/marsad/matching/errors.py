from marsad.core.errors import ErrorCode


class MatchingError(ErrorCode):
    ALREADY_DECIDED = "matching.already_decided"
