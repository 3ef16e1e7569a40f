"""Settings for bench/bench_http.py only: the app's own settings, plus the bench's floor and INSERT views.

The benchmark serves the app under gunicorn as production does (DEBUG off, a
real SECRET_KEY and ALLOWED_HOSTS from the environment), but over plain HTTP on
127.0.0.1, so without the SSL redirect. The two extra views live in
bench/http_urls.py and are never in the app's own URLs.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import cast

from systemsleader.settings import *  # noqa: F403
from systemsleader.settings import BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.http_urls"
SECURE_SSL_REDIRECT = False
# The floor view's template.
TEMPLATES = [{**TEMPLATES[0], "DIRS": [*cast("list[Path]", TEMPLATES[0]["DIRS"]), Path(__file__).parent / "templates"]}]
# collectstatic writes the manifest that DEBUG-off static files need into a throwaway directory, not the project.
STATIC_ROOT = Path(os.environ.get("BENCH_STATIC_ROOT", BASE_DIR / "staticfiles"))
# Seeding adopts an outcome, which emails every leader who gave it energy: no mail leaves the bench.
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
