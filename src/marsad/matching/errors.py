from marsad.core.errors import ErrorCode


class MatchingError(ErrorCode):
    ALREADY_DECIDED = "matching.already_decided"
    RECORD_MERGED = "matching.record_merged"
    LATER_MERGE = "matching.later_merge"
    SCAN_RUNNING = "matching.scan_running"
    SCAN_NOT_QUEUED = "matching.scan_not_queued"
