"""Import and export pages: thin views over services (writes) and selectors (reads)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from apps.organisations.models import Role
from apps.organisations.roles import STAFF_ROLES
from apps.registry.models import TaxMapBlock

from . import exporters, readers, selectors, services, sheet_export
from .forms import CommitForm, ConfigureForm, ExportForm, UploadForm
from .models import ImportJob
from .sheet_forms import SheetForm, sheet_error_message
from .sheets import SheetError

IMPORT_ROLES = {Role.ADMIN, Role.SURVEYOR}
ISSUES_ON_PAGE = 200


def _membership(request: HttpRequest, roles) -> None:
    membership = request.membership
    if not membership or membership.role not in roles:
        raise PermissionDenied


# Where the text encoding shown in the preview came from (readers.inspect's encoding_from codes).
ENCODING_SOURCES = {
    "cpg": gettext_lazy("the .cpg file"),
    "ldid": gettext_lazy("the language byte of the .dbf file"),
    "guess": gettext_lazy("a guess from the text itself"),
    "none": gettext_lazy("nothing in the file"),
    "xlsx": gettext_lazy("the workbook (always Unicode)"),
}


def _preview_context(preview: dict) -> dict:
    # The inspection is kept in a jsonb column, and jsonb does not keep a row's keys in the file's order (it
    # sorts them shortest first): the cells are laid out by the header's field list, not by the dict's order.
    rows = [[row.get(name, "") for name in preview["fields"]] for row in preview["preview"]]
    source = preview.get("encoding_from", "")
    return {"preview": preview, "preview_rows": rows, "encoding_source": ENCODING_SOURCES.get(source, source)}


def _job(request: HttpRequest, pk: int) -> ImportJob:
    _membership(request, IMPORT_ROLES)
    try:
        return selectors.import_job_get(org=request.organisation, pk=pk)
    except ImportJob.DoesNotExist:
        raise Http404 from None


@login_required
def import_index(request: HttpRequest) -> HttpResponse:
    _membership(request, IMPORT_ROLES)
    form = UploadForm()
    if request.method == "POST":
        # Refuse an oversized upload from its Content-Length, before Django spools it to disk.
        try:
            readers.check_upload_size(int(request.META.get("CONTENT_LENGTH") or 0))
            form = UploadForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                job = services.job_create(
                    org=request.organisation,
                    user=request.user,
                    original_name=upload.name,
                    chunks=upload.chunks(),
                    size_bytes=upload.size,
                )
                return redirect("imports:detail", pk=job.pk)
        except readers.ImportRejected as exc:
            form = UploadForm(data={})
            form.full_clean()
            form.errors.clear()
            form.add_error(None, exc.message)
        status = 400
    else:
        status = 200
    jobs = selectors.import_job_list(org=request.organisation)[:50]
    return render(request, "imports/index.html", {"form": form, "jobs": jobs}, status=status)


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    context = {"job": job, "S": ImportJob.Status}
    if job.status in (ImportJob.Status.UPLOADED, ImportJob.Status.VALIDATED, ImportJob.Status.FAILED):
        preview = job.inspection
        wanted_encoding = request.GET.get("encoding") or None
        wanted_layer = request.GET.get("layer") or None
        if wanted_encoding or wanted_layer:
            try:
                preview = services.job_preview(job=job, layer=wanted_layer, encoding=wanted_encoding)
            except (readers.ImportRejected, LookupError):
                messages.error(request, _("The file cannot be read with that encoding or layer."))
        initial = {
            "layer": preview["layer"],
            "source_srid": job.source_srid or preview.get("detected_srid"),
            "encoding": wanted_encoding or "",
            "make_valid": job.make_valid,
        }
        initial.update({f"map_{k}": v for k, v in (job.field_map or {}).items()})
        context["configure_form"] = ConfigureForm(job=job, fields=preview["fields"], initial=initial)
        context.update(_preview_context(preview))
    if job.status == ImportJob.Status.VALIDATED:
        context["commit_form"] = CommitForm()
        context["issues"] = selectors.import_issue_list(job=job)[:ISSUES_ON_PAGE]
        context["map_features"] = selectors.import_preview_geojson(job=job)
    if job.status == ImportJob.Status.COMMITTED and "owner_id" in job.field_map:
        context["owner_counts"] = selectors.import_owner_counts(job=job)
    if job.status in (ImportJob.Status.COMMITTED, ImportJob.Status.UNDONE, ImportJob.Status.FAILED):
        context["issues"] = selectors.import_issue_list(job=job)[:ISSUES_ON_PAGE]
    return render(request, "imports/detail.html", context)


@login_required
@require_POST
def import_configure(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    preview = job.inspection
    wanted_layer = request.POST.get("layer") or None
    if wanted_layer and wanted_layer != preview["layer"] and wanted_layer in preview["layers"]:
        # Another layer of a GeoPackage has its own columns: the mapping is checked against those.
        try:
            preview = services.job_preview(job=job, layer=wanted_layer)
        except readers.ImportRejected as exc:
            messages.error(request, exc.message)
            return redirect("imports:detail", pk=job.pk)
    form = ConfigureForm(request.POST, job=job, fields=preview["fields"])
    if not form.is_valid():
        messages.error(request, _("Check the choices below."))
        return render(
            request,
            "imports/detail.html",
            {"job": job, "S": ImportJob.Status, "configure_form": form, **_preview_context(preview)},
            status=400,
        )
    try:
        services.job_configure(
            job=job,
            source_srid=form.cleaned_data["source_srid"],
            field_map=form.field_map(),
            layer=form.cleaned_data["layer"] or None,
            encoding=form.cleaned_data["encoding"] or None,
            make_valid=form.cleaned_data["make_valid"],
        )
    except (services.ImportRefused, readers.ImportRejected) as exc:
        messages.error(request, exc.message)
        return redirect("imports:detail", pk=job.pk)
    services.job_start_in_background(job.pk)
    return redirect("imports:detail", pk=job.pk)


@login_required
@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    form = CommitForm(request.POST)
    form.is_valid()
    try:
        services.job_request_commit(job=job, skip_invalid=form.cleaned_data.get("skip_invalid", False))
    except services.ImportRefused as exc:
        messages.error(request, exc.message)
        return redirect("imports:detail", pk=job.pk)
    services.job_start_in_background(job.pk)
    return redirect("imports:detail", pk=job.pk)


@login_required
@require_POST
def import_undo(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    try:
        services.job_undo(job=job, by=request.user)
        messages.success(
            request, _("The import was undone: its parcels, ownerships and new owners were removed.")
        )
    except services.ImportRefused as exc:
        messages.error(request, exc.message)
    return redirect("imports:detail", pk=job.pk)


@login_required
@require_GET
def import_progress(request: HttpRequest, pk: int) -> JsonResponse:
    job = _job(request, pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "done": job.progress_done,
            "total": job.progress_total,
            "message": job.message,
            "running": job.status
            in (
                ImportJob.Status.QUEUED_VALIDATE,
                ImportJob.Status.VALIDATING,
                ImportJob.Status.QUEUED_COMMIT,
                ImportJob.Status.COMMITTING,
            ),
        }
    )


@login_required
@require_GET
def import_report(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    response = HttpResponse(selectors.import_report_csv(job=job), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-report.csv"'
    return response


@login_required
def export_layer(request: HttpRequest) -> HttpResponse:
    _membership(request, STAFF_ROLES)
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        folder = Path(tempfile.mkdtemp(prefix="export-"))
        suffix = exporters.FORMATS[data["fmt"]][1]
        try:
            written = exporters.export_layer(
                org=request.organisation,
                layer=data["layer"],
                fmt=data["fmt"],
                out=folder / f"{data['layer']}{suffix}",
                srid=data["srid"],
                encoding=data["encoding"],
                village_no=data["village_no"],
                land_use=data["land_use"],
            )
        except exporters.ExportError as exc:
            form.add_error(None, str(exc))
        else:
            name = f"{request.organisation.slug}-{data['layer']}-epsg{data['srid']}{written.suffix}"
            handle = written.open("rb")
            shutil.rmtree(folder, ignore_errors=True)  # the open handle keeps the bytes until it is sent
            return FileResponse(handle, as_attachment=True, filename=name)
        finally:
            if form.errors:
                shutil.rmtree(folder, ignore_errors=True)
    return render(request, "imports/export.html", {"form": form}, status=400 if form.errors else 200)


# --- tax map sheet (PDF) -------------------------------------------------------------------------------


def _sheet_form_page(request: HttpRequest, form, status: int = 200) -> HttpResponse:
    return render(request, "imports/sheet.html", {"form": form}, status=status)


@login_required
@require_GET
def sheet_form(request: HttpRequest) -> HttpResponse:
    _membership(request, STAFF_ROLES)
    return _sheet_form_page(request, SheetForm(org=request.organisation))


@login_required
@require_GET
def sheet_pdf(request: HttpRequest) -> HttpResponse:
    _membership(request, STAFF_ROLES)
    form = SheetForm(request.GET, org=request.organisation)
    if not form.is_valid():
        return _sheet_form_page(request, form, status=400)
    try:
        result = sheet_export.sheet_pdf(
            org=request.organisation,
            request=form.sheet_request(),
            printed_on=timezone.localdate(),
            printed_by=request.user.get_full_name() or request.user.get_username(),
        )
    except TaxMapBlock.DoesNotExist:
        raise Http404 from None
    except SheetError as exc:
        form.add_error(None, sheet_error_message(exc))
        return _sheet_form_page(request, form, status=400)
    response = HttpResponse(result.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{result.filename}"'
    response["Cache-Control"] = "private, no-store"  # the registry changes; a stale sheet misleads
    return response
