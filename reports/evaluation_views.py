"""The evaluation of a plan (issue 14): /reports/evaluation/<first>-<last>/ and its .json, .xlsx, .docx.

Every role may read it, scoped like the dashboard: a county official sees the city's lines and
their own unit. A plan that does not run exactly from ``first`` to ``last`` is a 404. The page
and the three downloads are built from one ``evaluation.Evaluation`` (cached under the data
version), so they agree figure for figure.
"""

import tempfile

from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts import security
from units.scope import Scope

from . import evaluation as service
from .evaluation_docx import DOCX_CONTENT_TYPE, write_evaluation_docx
from .evaluation_text import city_sections, counting_note, growth_text, introduction, unit_sections, years_met_text
from .evaluation_xlsx import filename, write_evaluation_workbook
from .excel import XLSX_CONTENT_TYPE


def _evaluation(request, first: int, last: int) -> service.Evaluation:
    plan = service.find_plan(first, last)
    if plan is None:
        raise Http404("没有该期行动方案")
    return service.evaluate(plan, Scope.of(request.user), timezone.localdate())


@require_GET
def evaluation_page(request, first, last):
    evaluation = _evaluation(request, first, last)
    context = {
        "evaluation": evaluation,
        "plan": evaluation.plan,
        "introduction": introduction(evaluation),
        "city_sections": city_sections(evaluation),
        "unit_sections": unit_sections(evaluation),
        "counting_note": counting_note(evaluation),
        "city_cards": [
            (item, growth_text(item.growth) if item.growth else "", years_met_text(item.years, "目标"))
            for item in evaluation.city
        ],
        "sees_all": evaluation.ranked,
    }
    return render(request, "reports/evaluation.html", context)


@require_GET
def evaluation_json(request, first, last):
    body = service.evaluation_as_json(_evaluation(request, first, last))
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


def _download(request, evaluation: service.Evaluation, write, extension: str, content_type: str) -> FileResponse:
    """Write the file to a temporary file (deleted once sent), log the export, stream it."""
    output = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write(output, evaluation)
    output.seek(0)
    plan = evaluation.plan
    security.record(
        security.Kind.EXPORT,
        request=request,
        report=f"evaluation.{extension}",
        plan=f"{plan.first_year}-{plan.last_year}",
        as_of=evaluation.as_of.isoformat(),
        rows=len(evaluation.units),
    )
    name = filename(evaluation, extension)
    return FileResponse(output, content_type=content_type, as_attachment=True, filename=name)


@require_GET
def evaluation_xlsx(request, first, last):
    evaluation = _evaluation(request, first, last)
    return _download(request, evaluation, write_evaluation_workbook, "xlsx", XLSX_CONTENT_TYPE)


@require_GET
def evaluation_docx(request, first, last):
    evaluation = _evaluation(request, first, last)
    return _download(request, evaluation, write_evaluation_docx, "docx", DOCX_CONTENT_TYPE)
