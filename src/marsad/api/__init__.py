"""The REST API that member systems call to register households and coordinate (docs/api.md)."""
