"""Log logins, failed logins and lockouts to the security log (等保 2.0 安全审计)."""

import logging

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

security_log = logging.getLogger("portal.security")


def _addr(request):
    return request.META.get("REMOTE_ADDR") if request is not None else None


@receiver(user_logged_in)
def log_login(sender, request, user, **kwargs):
    security_log.info("login user=%s role=%s addr=%s", user.get_username(), user.role, _addr(request))


@receiver(user_logged_out)
def log_logout(sender, request, user, **kwargs):
    security_log.info("logout user=%s addr=%s", user.get_username() if user else None, _addr(request))


@receiver(user_login_failed)
def log_login_failure(sender, credentials, request=None, **kwargs):
    security_log.warning("login-failed user=%s addr=%s", credentials.get("username"), _addr(request))


@receiver(user_locked_out)
def log_lockout(sender, request, username, ip_address, **kwargs):
    security_log.warning("locked-out user=%s addr=%s", username, ip_address)
