"""Production settings pass Django's deployment checks and refuse to start without secrets."""

import os
import subprocess
import sys

from cryptography.fernet import Fernet

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "MARSAD_SECRET_KEY": "x" * 20 + "production-like-secret-key-for-the-check",
    "MARSAD_PII_KEY": Fernet.generate_key().decode(),
    "MARSAD_BLIND_INDEX_KEY": "blind-index-key-for-the-deploy-check-0123456789",
    "MARSAD_ALLOWED_HOSTS": "marsad.example.org",
}


def _marsad(*args, env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MARSAD_", "DJANGO_"))}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "marsad", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_check_deploy_is_clean(tmp_path):
    result = _marsad(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**PRODUCTION_ENV, "MARSAD_VAR_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_the_pii_key(tmp_path):
    env = {**PRODUCTION_ENV, "MARSAD_VAR_DIR": str(tmp_path)}
    del env["MARSAD_PII_KEY"]
    result = _marsad("check", env=env)
    assert result.returncode != 0
    assert "MARSAD_PII_KEY must be set" in result.stderr
