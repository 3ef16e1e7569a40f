"""The app's URLs, plus the two yardsticks bench/bench_http.py compares pages with; never in the app's own URLs.

Both are served by the same gunicorn and middleware as the app:

- `floor`: the least a signed-in page can do here: read the session and the
  user (the two queries every page of the app makes) and render a small template.
- `insert`: the least a signed-in POST can do: the same, past the CSRF check,
  and one INSERT, into a table of the bench's own (`insert_table_create`, not a migration).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_POST

from systemsleader.urls import urlpatterns as app_urlpatterns

INSERT_TABLE = "bench_insert"


def insert_table_create() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {INSERT_TABLE} "
            "(id bigserial PRIMARY KEY, user_id bigint NOT NULL, created_at timestamptz NOT NULL DEFAULT now())"
        )


@login_required
def floor(request: HttpRequest) -> HttpResponse:
    return render(request, "bench/floor.html", {"session_keys": len(request.session.keys())})


@require_POST
@login_required
def insert(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {INSERT_TABLE} (user_id) VALUES (%s)", [request.user.pk])
    return HttpResponse("saved", content_type="text/plain")


urlpatterns = [
    path("bench/floor/", floor, name="bench-floor"),
    path("bench/insert/", insert, name="bench-insert"),
    *app_urlpatterns,
]
