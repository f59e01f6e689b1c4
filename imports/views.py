"""The import pages under /imports/ (issue 4): upload → preview → confirm, history, templates.

Bureau staff import every kind (county quotas into the plan they choose); a county official
imports their own unit's registry; leaders see the history only. The uploaded file waits
between preview and confirmation in ``staging`` under a server-made token kept in
the uploader's session.
"""

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import security
from accounts.permissions import get_visible_or_404, refuse
from targets.models import Plan

from . import kinds, staging
from .forms import ImportUploadForm, RevertForm
from .importer import ImportOptions, import_commit, import_preview, kinds_allowed_for
from .models import County, ImportRecord
from .revert import RevertRefused, revert_import
from .workbook import WorkbookError, upload_limit_bytes

PENDING_KEY = "imports_pending"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _render_index(request, form, status=200):
    records = ImportRecord.objects.visible_to(request.user).select_related("imported_by", "county")
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    allowed = kinds_allowed_for(request.user)
    templates = [spec for spec in kinds.SPECS.values() if spec.kind in allowed]
    context = {"form": form, "page": page, "templates": templates}
    return render(request, "imports/index.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def import_index(request):
    """The history of imports the user may see and, for those who may import, the upload form;
    a POST is an upload, answered with its preview."""
    allowed = kinds_allowed_for(request.user)
    if not (allowed or request.user.is_leader) or (request.method == "POST" and not allowed):
        refuse(request, "import not allowed for this role")
    if request.method == "POST":
        return _preview(request, allowed)
    return _render_index(request, ImportUploadForm(user=request.user) if allowed else None)


def _preview(request, allowed):
    """Read the upload and show what importing it would do; keep the file for the confirmation."""
    if int(request.META.get("CONTENT_LENGTH") or 0) > upload_limit_bytes() + 64 * 1024:
        # Refused before the body is parsed (and spooled to disk).
        messages.error(request, "上传的文件超过大小上限，请拆分后分批导入。")
        return _render_index(request, ImportUploadForm(user=request.user), status=413)
    if request.POST.get("kind", "") not in ["", *allowed]:
        refuse(request, f"import of {request.POST['kind']} not allowed for this role")
    form = ImportUploadForm(request.POST, request.FILES, user=request.user)
    if form.is_valid():
        try:
            result = import_preview(
                user=request.user, content=form.content, file_name=form.file_name, options=form.options()
            )
        except WorkbookError as error:
            form.add_error("file", error.message)
        else:
            options = form.options()
            try:
                token = _stage(request, form.content, form.file_name, options)
            except staging.StagingFull as error:
                form.add_error("file", error.message)
                return _render_index(request, form)
            return render(request, "imports/preview.html", {"result": result, "token": token, "options": options})
    return _render_index(request, form)


@require_POST
def import_confirm(request):
    """Commit the previewed file in one transaction (nothing is written when any row is in error)."""
    if not kinds_allowed_for(request.user):
        refuse(request, "import not allowed for this role")
    token = request.POST.get("token", "")
    pending = request.session.get(PENDING_KEY, {}).get(token)
    content = staging.staged_read(token) if pending else None
    if content is None:
        messages.error(request, "预览已过期或该文件已导入，请重新上传。")
        return redirect("imports:index")
    options = _options_from(request, pending)
    try:
        result = import_commit(
            user=request.user,
            content=content,
            file_name=pending["file_name"],
            options=options,
            remote_addr=security.client_address(request),
        )
    except WorkbookError as error:
        messages.error(request, error.message)
        return redirect("imports:index")
    _unstage(request, token)
    if result.record is None:
        return render(request, "imports/preview.html", {"result": result, "token": None, "options": options})
    security.record(security.Kind.IMPORT, request=request, **result.record_summary())
    messages.success(request, f"导入完成：{result.summary()}。")
    return redirect("imports:index")


def _record_page(request, pk, *, form=None, problems=(), status=200):
    if not (kinds_allowed_for(request.user) or request.user.is_leader):
        refuse(request, "import history not allowed for this role")
    records = ImportRecord.objects.visible_to(request.user).select_related("imported_by", "county", "reverted_by")
    record = get_visible_or_404(records, request, pk=pk)
    page = Paginator(record.changes.all(), 200).get_page(request.GET.get("page"))
    can_revert = request.user.is_bureau and record.reverted_at is None
    context = {
        "record": record,
        "page": page,
        "form": (form or RevertForm()) if can_revert else None,
        "problems": problems,
    }
    return render(request, "imports/record.html", context, status=status)


@require_GET
def import_record(request, pk):
    """One import: its rows, what each wrote, and (bureau staff) the button to undo it."""
    return _record_page(request, pk)


@require_POST
def import_revert(request, pk):
    """撤销本次导入 (bureau staff): in one transaction, or refused naming the rows in the way."""
    if not request.user.is_bureau:
        refuse(request, "import revert not allowed for this role")
    record = get_visible_or_404(ImportRecord.objects.visible_to(request.user), request, pk=pk)
    form = RevertForm(request.POST)
    if not form.is_valid():
        return _record_page(request, pk, form=form, status=400)
    try:
        summary = revert_import(
            record=record,
            user=request.user,
            reason=form.cleaned_data["reason"],
            remote_addr=security.client_address(request),
        )
    except RevertRefused as refused:
        security.record(security.Kind.IMPORT, request=request, outcome="revert_refused", record=record.pk)
        return _record_page(request, pk, form=form, problems=refused.problems, status=409)
    security.record(
        security.Kind.IMPORT, request=request, outcome="reverted", record=record.pk, reason=form.cleaned_data["reason"]
    )
    messages.success(request, f"{summary.text()}。")
    return redirect("imports:record", pk=record.pk)


@require_GET
def import_template(request, kind):
    """The blank list of a kind (headers and one example row) as .xlsx."""
    spec = kinds.SPECS.get(kind)
    if spec is None:
        raise Http404
    response = HttpResponse(kinds.template_for(spec), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, spec.template_file_name)
    return response


def _stage(request, content: bytes, file_name: str, options: ImportOptions) -> str:
    pending = request.session.get(PENDING_KEY, {})
    while len(pending) >= settings.IMPORT_STAGED_PER_USER:
        oldest = next(iter(pending))
        del pending[oldest]
        staging.staged_discard(oldest)
    token = staging.staged_save(content, owner=request.user.pk)
    pending[token] = {
        "file_name": file_name,
        "kind": options.kind,
        "announced_on": options.announced_on.isoformat() if options.announced_on else None,
        "county": options.county.pk if options.county else None,
        "year": options.year,
        "plan": options.plan.pk if options.plan else None,
    }
    request.session[PENDING_KEY] = pending
    return token


def _unstage(request, token: str) -> None:
    pending = request.session.get(PENDING_KEY, {})
    pending.pop(token, None)
    request.session[PENDING_KEY] = pending
    staging.staged_discard(token)


def _options_from(request, pending: dict) -> ImportOptions:
    county = None
    if pending["county"]:
        county = County.objects.visible_to(request.user).filter(pk=pending["county"]).first()
    plan = None
    if pending.get("plan"):
        # A plan deleted since the preview is None here; the import then says so.
        plan = Plan.objects.filter(pk=pending["plan"]).first()
    announced_on = pending["announced_on"]
    return ImportOptions(
        kind=pending["kind"],
        announced_on=datetime.date.fromisoformat(announced_on) if announced_on else None,
        county=county,
        year=pending["year"],
        plan=plan,
    )
