"""Send logins, logouts, failed logins and lockouts to the security log (等保 2.0 安全审计)."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import security


@receiver(user_logged_in)
def log_login(sender, request, user, **kwargs):
    security.record(security.Kind.LOGIN, request=request, user=user)


@receiver(user_logged_out)
def log_logout(sender, request, user, **kwargs):
    security.record(security.Kind.LOGOUT, request=request, user=user)


@receiver(user_login_failed)
def log_login_failure(sender, credentials, request=None, **kwargs):
    security.record(
        security.Kind.LOGIN_FAILED, request=request, username=credentials.get("username", ""), outcome="failure"
    )


@receiver(user_locked_out)
def log_lockout(sender, request, username, ip_address, **kwargs):
    security.record(security.Kind.LOCKED_OUT, request=request, username=username or "", outcome="failure")
