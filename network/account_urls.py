"""Sign-in and password URLs, un-namespaced because django.contrib.auth's views reverse them by these names."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from network.forms.accounts import SignInForm
from network.http import token_page
from network.views import accounts

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(authentication_form=SignInForm), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Enablers and coordinators sign in with a password; Django's reset flow lets them choose one.
    path("password-reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "set-password/<uidb64>/<token>/",
        token_page(auth_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path("set-password/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
