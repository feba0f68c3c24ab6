"""The tax officer's pages for the yearly assessment: thin views over selectors (reads) and services (writes).

List with filters → taxpayer page (properties, breakdown, what-if) → documents (ภ.ด.ส.3, ภ.ด.ส.6 + 7/8, a
village in one PDF). The yearly run starts from the list page in a background thread and the page polls its
progress; issuing drafts is one more button. Tax officers and administrators of the organisation only.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import close_old_connections, connection, transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from apps.core.domain.thai_dates import to_be_year
from apps.organisations.models import Organisation, Role
from apps.registry.models import Owner, Village
from apps.taxation import forms, pdfs, selectors
from apps.taxation.domain import QuoteInputError, parse_quote_json, quote
from apps.taxation.engine_settings import engine_settings
from apps.taxation.models import Assessment, AssessmentRun
from apps.taxation.services import assessment_run, assessments_issue
from apps.taxation.services.assessment_run import rate_overrides_for

logger = logging.getLogger(__name__)

TAX_ROLES = {Role.TAX_OFFICER, Role.ADMIN}
PAGE_SIZE = 50
PROBLEMS_PAGE_SIZE = 200
STAGE_LABELS = {
    "reading": gettext_lazy("Reading the registry"),
    "assessing": gettext_lazy("Assessing taxpayers"),
    "writing": gettext_lazy("Writing the drafts"),
    "done": gettext_lazy("Finished"),
}


def _require(request: HttpRequest) -> Organisation:
    membership = request.membership
    if not membership or membership.role not in TAX_ROLES:
        raise PermissionDenied
    return request.organisation


def _default_year(org: Organisation) -> int:
    years = selectors.assessment_years(org=org)
    return years[0] if years else to_be_year(timezone.localdate().year)


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    # Names, ID numbers and amounts: never in a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response


# --- the list -----------------------------------------------------------------------------------------------


@login_required
@require_GET
def assessment_list(request: HttpRequest) -> HttpResponse:
    org = _require(request)
    form = forms.AssessmentFilterForm(request.GET or None, villages=selectors.village_choices(org=org))
    filters = form.filters() if form.is_bound else {}
    year = (form.cleaned_data.get("year") if form.is_bound and form.is_valid() else None) or _default_year(
        org
    )
    rows = selectors.assessment_list(org=org, tax_year=year, **filters)
    page_obj = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    items = [
        {
            "assessment": row,
            "refs": [prop.get("ref") for prop in row.input_document.get("properties", [])],
            "uses": sorted(
                {line["use_label"] for line in selectors.labelled_lines(row.result) if line["use_label"]},
                key=str,
            ),
        }
        for row in page_obj.object_list
    ]
    latest = selectors.run_latest(org=org, tax_year=year)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "year": year,
        "years": selectors.assessment_years(org=org),
        "page_obj": page_obj,
        "items": items,
        "totals": selectors.assessment_totals(rows),
        "latest_run": latest,
        "running": latest if latest and latest.status == AssessmentRun.Status.RUNNING else None,
        "after": request.GET.get("after", ""),
        "drafts": selectors.drafts_count(org=org, tax_year=year),
        "query_string": query.urlencode(),
        "run_form": forms.RunStartForm(initial={"year": year}),
        "villages": form.fields["village"].choices[1:],
    }
    return render(request, "taxation/list.html", context)


# --- the yearly run -----------------------------------------------------------------------------------------


def _start_thread(target, *args) -> None:
    threading.Thread(target=target, args=args, daemon=True, name="assessment-run").start()


def _run_in_background(org_id: int, tax_year: int, user_id: int | None, registry_now: bool) -> None:
    """The thread's body: its own database connection, autocommit, so each progress update shows at once."""
    close_old_connections()
    try:
        _run(org_id, tax_year, user_id, registry_now)
    except Exception:
        # assessment_run has already marked its row failed; the page shows that, the log keeps the trace.
        logger.exception("assessment run failed", extra={"organisation_id": org_id, "tax_year": tax_year})
    finally:
        connection.close()


def _run(org_id: int, tax_year: int, user_id: int | None, registry_now: bool) -> None:
    org = Organisation.objects.get(pk=org_id)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    # workers=1: this runs in a thread of the web server, and forking a multi-threaded process can deadlock
    # the child on a lock another thread held. `manage.py assess` (its own process) uses the 2-process pool.
    assessment_run(org=org, tax_year=tax_year, by=user, registry_now=registry_now, workers=1)


@login_required
@require_POST
def run_start(request: HttpRequest) -> HttpResponse:
    org = _require(request)
    form = forms.RunStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a tax year (B.E.) from 2563."))
        return redirect("taxation:list")
    year = form.cleaned_data["year"]
    running = selectors.run_in_progress(org=org, tax_year=year)
    if running is not None:
        messages.warning(request, _("The assessment of %(year)s is already running.") % {"year": year})
        return redirect(f"{reverse('taxation:list')}?year={year}")
    latest = selectors.run_latest(org=org, tax_year=year)
    args = (org.pk, year, request.user.pk, form.cleaned_data["registry_now"])
    # ATOMIC_REQUESTS: the thread opens its own connection, so it starts only once this request has committed.
    transaction.on_commit(lambda: _start_thread(_run_in_background, *args))
    logger.info("assessment run requested", extra={"organisation_id": org.pk, "tax_year": year})
    messages.info(
        request, _("The assessment of %(year)s has started. You can leave this page.") % {"year": year}
    )
    return redirect(f"{reverse('taxation:list')}?year={year}&after={latest.pk if latest else 0}")


def _percent(run: AssessmentRun) -> int:
    if run.status == AssessmentRun.Status.DONE:
        return 100
    if run.stage == "writing":
        return 99
    if run.stage == "assessing" and run.progress_total:
        return min(98, run.progress_done * 100 // run.progress_total)
    return 0


@login_required
@require_GET
def run_progress(request: HttpRequest) -> JsonResponse:
    """Polled by the list page every two seconds while a run is going: a few fields of one row."""
    org = _require(request)
    form = forms.YearForm(request.GET)
    year = form.cleaned_data["year"] if form.is_valid() else _default_year(org)
    after = request.GET.get("after", "")
    if after.isdigit():
        run = selectors.run_after(org=org, tax_year=year, after_id=int(after))
        if run is None:
            return _no_store(JsonResponse({"status": "starting", "percent": 0}))
    else:
        run = selectors.run_latest(org=org, tax_year=year)
        if run is None:
            return _no_store(JsonResponse({"status": "none", "percent": 0}))
    return _no_store(
        JsonResponse(
            {
                "id": run.pk,
                "status": run.status,
                "stage": run.stage,
                "stage_label": str(STAGE_LABELS.get(run.stage, run.stage)),
                "done": run.progress_done,
                "total": run.progress_total,
                "percent": _percent(run),
                "run_url": reverse("taxation:run", args=[run.pk]),
            }
        )
    )


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = _require(request)
    try:
        run = selectors.run_get(org=org, pk=pk)
    except AssessmentRun.DoesNotExist:
        raise Http404 from None
    problems = Paginator(selectors.run_problems(run=run), PROBLEMS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    summary = run.summary or {}
    by_use = [
        (selectors.USE_LABELS.get(use, use), satang)
        for use, satang in sorted((summary.get("tax_by_use_satang") or {}).items())
    ]
    allowances = [
        (selectors.TABLE_LABELS.get(table, table), satang)
        for table, satang in sorted(
            ((summary.get("exemptions") or {}).get("allowance_by_table_satang") or {}).items()
        )
    ]
    context = {
        "run": run,
        "summary": summary,
        "as_of": _instant(summary.get("as_of")),
        "by_use": by_use,
        "allowances": allowances,
        "problems": problems,
        "drafts": selectors.drafts_count(org=org, tax_year=run.tax_year),
    }
    return render(request, "taxation/run.html", context)


@login_required
@require_POST
def issue(request: HttpRequest) -> HttpResponse:
    org = _require(request)
    form = forms.IssueForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a tax year (B.E.) from 2563."))
        return redirect("taxation:list")
    year, owner_id = form.cleaned_data["year"], form.cleaned_data["owner"]
    count = assessments_issue(
        org=org, tax_year=year, by=request.user, owner_ids=[owner_id] if owner_id else None
    )
    logger.info("assessments issued", extra={"organisation_id": org.pk, "tax_year": year, "count": count})
    messages.success(
        request,
        ngettext("%(n)s assessment issued.", "%(n)s assessments issued.", count) % {"n": count},
    )
    if owner_id:
        return redirect("taxation:taxpayer", owner_id, year)
    return redirect(f"{reverse('taxation:list')}?year={year}")


# --- one taxpayer -------------------------------------------------------------------------------------------


@login_required
@require_GET
def taxpayer(request: HttpRequest, owner_id: int, year: int) -> HttpResponse:
    org = _require(request)
    try:
        owner = selectors.owner_get(org=org, pk=owner_id)
    except Owner.DoesNotExist:
        raise Http404 from None
    versions = selectors.taxpayer_assessments(org=org, owner_id=owner.pk, tax_year=year)
    current = selectors.current_of(versions)
    if current is None:
        raise Http404(_("No assessment of this taxpayer for that year."))
    rows = selectors.assessment_breakdown(current)
    maps = pdfs.parcel_maps(org=org, parcel_ids=[row.parcel_id for row in rows if row.parcel_id])
    for row in rows:
        row.map_svg = maps.get(row.parcel_id, "")
    holdings = selectors.taxpayer_holdings(
        org=org, owner_id=owner.pk, assessed_codes={row.ref for row in rows}
    )
    previous = selectors.previous_year_total(org=org, owner_id=owner.pk, tax_year=year)
    context = {
        "owner": owner,
        "year": year,
        "assessment": current,
        "versions": versions,
        "rows": rows,
        "holdings": holdings,
        "previous_satang": previous,
        "change_satang": None if previous is None else current.total_satang - previous,
        "as_of": _instant((current.provenance or {}).get("as_of")) or current.created_at,
        "whatif_document": json.dumps(current.input_document, ensure_ascii=False),
        "quote_url": reverse("taxation:whatif"),
        "use_labels": json.dumps({key: str(label) for key, label in selectors.USE_LABELS.items()}),
    }
    return render(request, "taxation/taxpayer.html", context)


def _instant(text: str | None) -> dt.datetime | None:
    """The run's "as of" instant, shown as the day it closes: 2 January 00:00 is the registry of 1 January."""
    try:
        return dt.datetime.fromisoformat(text) - dt.timedelta(microseconds=1) if text else None
    except ValueError:
        return None


# --- documents ----------------------------------------------------------------------------------------------


def _assessment(request: HttpRequest, pk: int) -> Assessment:
    org = _require(request)
    try:
        return selectors.assessment_get(org=org, pk=pk)
    except Assessment.DoesNotExist:
        raise Http404 from None


@login_required
@require_GET
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    return _pdf(pdfs.notice_pdf([assessment]), f"notice-{assessment.tax_year}-{assessment.pk}.pdf")


@login_required
@require_GET
def property_list_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    return _pdf(
        pdfs.property_list_pdf([assessment]), f"property-list-{assessment.tax_year}-{assessment.pk}.pdf"
    )


@login_required
@require_GET
def batch_pdf(request: HttpRequest) -> HttpResponse:
    """A whole village in one file, one taxpayer after another, to print and hand out."""
    org = _require(request)
    form = forms.BatchPrintForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("Choose a village and a document to print."))
        return redirect("taxation:list")
    year, doc = form.cleaned_data["year"], form.cleaned_data["doc"]
    try:
        village = selectors.village_get(org=org, pk=form.cleaned_data["village"])
    except Village.DoesNotExist:
        raise Http404 from None
    assessments = selectors.assessments_in_village(org=org, tax_year=year, village_id=village.pk)
    if not assessments:
        messages.warning(
            request, _("No assessment of %(year)s names a parcel in that village.") % {"year": year}
        )
        return redirect(f"{reverse('taxation:list')}?year={year}")
    render_batch = pdfs.notice_pdf if doc == "notice" else pdfs.property_list_pdf
    name = "notices" if doc == "notice" else "property-lists"
    return _pdf(render_batch(assessments), f"{name}-{year}-moo{village.moo_no}.pdf")


@login_required
@require_POST
def whatif_quote(request: HttpRequest) -> JsonResponse:
    """The what-if panel's quote: the public contract, plus this organisation's rate ordinances of the year,
    so the officer sees the tax the run would write (the public API applies the Royal Decree's rates only)."""
    org = _require(request)
    try:
        document = parse_quote_json(request.body)
        overrides, _problems = rate_overrides_for(org=org, tax_year=int(document["tax_year"]))
        answer = quote(document, settings=engine_settings(), rate_overrides=overrides)
    except QuoteInputError as error:
        return JsonResponse({"detail": str(error), "field": error.field, "code": error.code}, status=400)
    except (KeyError, TypeError, ValueError):
        refused = {"detail": _("The document is not a tax quote."), "field": "tax_year"}
        return JsonResponse(refused, status=400)
    return JsonResponse(answer)
