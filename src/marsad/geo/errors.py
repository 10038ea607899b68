from marsad.core.errors import ErrorCode


class GeoError(ErrorCode):
    FILE_UNREADABLE = "geo.file_unreadable"
    NOT_FEATURE_COLLECTION = "geo.not_feature_collection"
    INVALID_FEATURES = "geo.invalid_features"
    UNKNOWN_LEVEL = "geo.unknown_level"
