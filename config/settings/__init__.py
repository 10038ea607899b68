"""Settings per environment: base (shared), test, production. Values come from the environment."""
