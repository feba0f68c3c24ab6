"""Reads for the import pages; every query names the organisation."""

import csv
import io
import json

from django.db import connection
from django.db.models import QuerySet

from apps.organisations.models import Organisation
from apps.registry.models import Owner, Ownership

from .models import ImportIssue, ImportJob

PREVIEW_MAX_FEATURES = 2000


def import_job_list(*, org: Organisation) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(organisation=org).select_related("created_by")


def import_job_get(*, org: Organisation, pk: int) -> ImportJob:
    return ImportJob.objects.select_related("organisation", "created_by").get(organisation=org, pk=pk)


def import_owner_counts(*, job: ImportJob) -> dict[str, int]:
    """Owners created and ownerships written by a committed job: its '+' history rows name it."""
    reason = f"import {job.pk}"
    return {
        "owners": Owner.history.filter(
            organisation_id=job.organisation_id, history_type="+", history_change_reason=reason
        ).count(),
        "ownerships": Ownership.history.filter(
            organisation_id=job.organisation_id, history_type="+", history_change_reason=reason
        ).count(),
    }


def import_issue_list(*, job: ImportJob) -> QuerySet[ImportIssue]:
    return ImportIssue.objects.filter(job=job)


def import_report_csv(*, job: ImportJob) -> str:
    """The per-feature validation report as CSV (UTF-8 with BOM so Excel shows Thai)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(["feature_no", "severity", "code", "message"])
    for issue in import_issue_list(job=job).iterator():
        writer.writerow([issue.feature_no, issue.severity, issue.code, issue.message])
    return out.getvalue()


def import_preview_geojson(*, job: ImportJob) -> dict:
    """Staged features (capped) plus the organisation's boundary as GeoJSON for static/js/minimap.js.

    Built in SQL; coordinates trimmed to 6 decimals (~0.1 m). Features with errors are labelled with a "!".
    """
    with connection.cursor() as cur:
        cur.execute(
            "SELECT json_build_object('type', 'FeatureCollection', 'features', "
            "coalesce(json_agg(json_build_object("
            "'type', 'Feature', 'geometry', ST_AsGeoJSON(geom, 6)::json, 'properties', json_build_object("
            "'kind', 'parcel', 'label', feature_no || ': ' || parcel_code || CASE WHEN has_error THEN ' !' "
            "ELSE '' END))), '[]'::json))::text "
            "FROM (SELECT * FROM imports_stagedfeature WHERE job_id = %s AND geom IS NOT NULL "
            "ORDER BY feature_no LIMIT %s) s",
            [job.pk, PREVIEW_MAX_FEATURES],
        )
        collection = json.loads(cur.fetchone()[0])
    if job.organisation.boundary is not None:
        collection["features"].insert(
            0,
            {
                "type": "Feature",
                "geometry": json.loads(job.organisation.boundary.geojson),
                "properties": {"kind": "boundary", "label": job.organisation.name_th},
            },
        )
    return collection
