import logging

from django.core.exceptions import PermissionDenied

security_log = logging.getLogger("portal.security")

# Leaders may still log out and change their own password.
LEADER_WRITABLE_URLS = {"logout", "password_change", "login"}


class ReadOnlyLeaderMiddleware:
    """City leaders read everything and write nothing: any unsafe request is a 403."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.method not in ("GET", "HEAD", "OPTIONS")
            and user.is_leader
            and request.resolver_match.url_name not in LEADER_WRITABLE_URLS
        ):
            security_log.warning("refused leader write user=%s path=%s", user.get_username(), request.path)
            raise PermissionDenied("市领导账号为只读")
        return None
