"""The big screen (issue 14): ``/screen/`` for logged-in readers (their scope), the kiosk view
``/screen/k/<token>/`` for the hall's display (the city, counts only, no login) and the bureau's
page of kiosk links ``/screen/links/``.

The board refreshes itself every five minutes (``<meta http-equiv="refresh">``: no script of the
page's own); the chart's numbers travel in a ``json_script`` block read by ``static/js/screen.js``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role
from accounts.permissions import role_required
from reports import caching
from reports.counting import default_as_of
from reports.evaluation_landing import landing_for
from units.scope import Scope

from . import links
from .board import LAPSE_DAYS, build_board
from .forms import LinkForm
from .models import ScreenLink

REFRESH_SECONDS = 300
NEW_LINK_KEY = "screen_new_link"  # the session holds a new link's address until the next GET shows it


def _board_page(request, scope: Scope, *, kiosk: bool):
    today = timezone.localdate()
    year = landing_for(today).year  # the running year once a plan sets targets for it (as at /)
    as_of = default_as_of(year, today)
    board = caching.cached(
        "screen",
        (year, as_of, today, scope.key),
        lambda: build_board(year=year, as_of=as_of, today=today, scope=scope),
    )
    context = {
        "board": board,
        "kiosk": kiosk,
        "refresh_seconds": REFRESH_SECONDS,
        "lapse_days": LAPSE_DAYS,
        "shown_at": timezone.localtime(),
    }
    return render(request, "screen/board.html", context)


@require_GET
def board(request):
    """The board for the reader's scope: the city, or a county official's unit beside the city."""
    return _board_page(request, Scope.of(request.user), kiosk=False)


@login_not_required
@require_GET
def kiosk(request, token):
    """The hall's display: the city's board, for whoever holds an unrevoked link's token."""
    if links.find_active(token) is None:
        raise Http404("链接无效或已撤销")
    return _board_page(request, Scope.city(), kiosk=True)


@role_required(Role.BUREAU)
@require_http_methods(["GET", "POST"])
def link_list(request):
    """Kiosk links: make one (its address is shown once, right after), see and revoke them."""
    form = LinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new = links.create(form.cleaned_data["name"], user=request.user)
        except links.LinkError as error:
            form.add_error("name", str(error))
        else:
            request.session[NEW_LINK_KEY] = {"name": new.link.name, "url": request.build_absolute_uri(new.path)}
            return redirect("screen:links")
    context = {
        "form": form,
        "links": ScreenLink.objects.select_related("created_by"),
        "new_link": request.session.pop(NEW_LINK_KEY, None) if request.method == "GET" else None,
    }
    return render(request, "screen/links.html", context)


@role_required(Role.BUREAU)
@require_POST
def link_revoke(request, pk):
    link = get_object_or_404(ScreenLink, pk=pk)
    try:
        links.revoke(link)
    except links.LinkError as error:
        messages.warning(request, str(error))
    else:
        messages.success(request, f"已撤销大屏链接“{link.name}”，该地址即刻失效。")
    return redirect("screen:links")
