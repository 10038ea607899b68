"""Production settings: HTTPS only, secrets required from the environment.

Run behind a TLS-terminating proxy with gunicorn; whitenoise serves static files.
See docs/operations.md.
"""

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.base import MARSAD_BLIND_INDEX_KEY, MARSAD_PII_KEY, SECRET_KEY, env_bool

for _name, _value in {
    "MARSAD_SECRET_KEY": SECRET_KEY,
    "MARSAD_PII_KEY": MARSAD_PII_KEY,
    "MARSAD_BLIND_INDEX_KEY": MARSAD_BLIND_INDEX_KEY,
}.items():
    if len(_value) < 32:
        raise ImproperlyConfigured(f"{_name} must be set in the environment (32+ characters).")

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("MARSAD_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
