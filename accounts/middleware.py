import datetime

from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.deprecation import MiddlewareMixin

from . import security

# Leaders may still log out and change their own password.
LEADER_WRITABLE_URLS = {"logout", "password_change", "login"}
# Reachable while a password change is pending.
PASSWORD_CHANGE_URLS = {"password_change", "password_change_done", "logout", "login"}


class ReadOnlyLeaderMiddleware(MiddlewareMixin):
    """City leaders read everything and write nothing: any unsafe request is a 403."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.method not in ("GET", "HEAD", "OPTIONS")
            and user.is_leader
            and request.resolver_match.url_name not in LEADER_WRITABLE_URLS
        ):
            security.record(security.Kind.REFUSED, request=request, outcome="forbidden", reason="leader write")
            raise PermissionDenied("市领导账号为只读")
        return None


class PasswordPolicyMiddleware(MiddlewareMixin):
    """Send a user whose password must change (first login, or older than the expiry) to the change form."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.resolver_match.url_name in PASSWORD_CHANGE_URLS:
            return None
        if request.resolver_match.namespace == "admin":
            return None
        if user.must_change_password or password_expired(user):
            messages.warning(request, "请先修改密码：首次登录或密码已过期的账号须设置新密码后才能继续使用。")
            return redirect("password_change")
        return None


def password_expired(user) -> bool:
    days = settings.PASSWORD_MAX_AGE_DAYS
    if not days or user.password_changed_at is None:
        return False
    return user.password_changed_at < timezone.now() - datetime.timedelta(days=days)


class AuditlogMiddleware(BaseAuditlogMiddleware):
    """django-auditlog's middleware, recording the address ``security.client_address`` trusts
    instead of the left-most X-Forwarded-For, which a client can write itself."""

    @staticmethod
    def _get_remote_addr(request):
        return security.client_address(request)
