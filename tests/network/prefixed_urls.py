"""The app's URLs under a prefix: for a test that swaps the URLconf (test_frame_navigation.py)."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [path("elsewhere/", include("systemsleader.urls"))]
