from django.contrib.auth import views as auth_views

from . import security


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, recorded in the security log."""

    def form_valid(self, form):
        response = super().form_valid(form)
        security.record(security.Kind.PASSWORD_CHANGED, request=self.request, user=form.user)
        return response
