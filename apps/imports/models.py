"""An import is a job: upload → inspect → stage + validate → commit (one transaction) → maybe undo (one unit).

Features are staged in ``StagedFeature`` rows (written with COPY) and validated there in SQL, so 100,000
parcels never become 100,000 Django objects. The parcels a job created are those whose '+' history row
carries the reason ``import <job id>``: that is what "undo as a unit" deletes (no link table to write a second
time per parcel).
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from apps.organisations.models import STORAGE_SRID, OrgScoped


class ImportJob(OrgScoped):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded: choose the layer, CRS and fields")
        QUEUED_VALIDATE = "q_validate", _("Waiting to be checked")
        VALIDATING = "validating", _("Checking")
        VALIDATED = "validated", _("Checked: read the report, then commit")
        QUEUED_COMMIT = "q_commit", _("Waiting to be written")
        COMMITTING = "committing", _("Writing to the registry")
        COMMITTED = "committed", _("Written to the registry")
        UNDONE = "undone", _("Undone")
        FAILED = "failed", _("Failed")

    class Target(models.TextChoices):
        PARCELS = "parcels", _("Parcels")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    target = models.CharField(_("layer"), max_length=20, choices=Target.choices, default=Target.PARCELS)
    original_name = models.CharField(_("file"), max_length=255)
    # Relative to MEDIA_ROOT; the upload is kept so an import can be re-checked or audited.
    stored_path = models.CharField(max_length=500)
    size_bytes = models.BigIntegerField(_("size (bytes)"), default=0)
    file_format = models.CharField(_("format"), max_length=20, blank=True)
    source_layer = models.CharField(_("layer in the file"), max_length=255, blank=True)
    source_srid = models.IntegerField(_("coordinate system (EPSG)"), null=True, blank=True)
    # Which Indian 1975 → WGS 84 operation was used (domain §6.3 rule 1: record the operation).
    transformation = models.CharField(_("coordinate operation"), max_length=500, blank=True)
    encoding = models.CharField(_("text encoding"), max_length=20, blank=True)
    field_map = models.JSONField(_("field mapping"), default=dict, blank=True)
    make_valid = models.BooleanField(_("repair invalid rings"), default=False)
    skip_invalid = models.BooleanField(_("leave out features with errors"), default=False)
    inspection = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.UPLOADED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    message = models.TextField(_("message"), blank=True)
    feature_count = models.PositiveIntegerField(_("features"), default=0)
    error_count = models.PositiveIntegerField(_("features with errors"), default=0)
    warning_count = models.PositiveIntegerField(_("features with warnings"), default=0)
    created_count = models.PositiveIntegerField(_("parcels created"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status"], name="importjob_status")]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"


class StagedFeature(models.Model):
    """One feature of the file, in EPSG:4326 and parsed into the registry's columns, waiting for commit.

    Scratch space, written with COPY and read by set-based SQL, so it is made cheap to write: the table is
    UNLOGGED (migration 0003; a crash empties it, and commit then asks for a new check), its only index is
    the primary key, and the job link has no database constraint (rows go with their job through Django's
    cascade). A NULL value column means the file gave no value for it.
    """

    pk = models.CompositePrimaryKey("job", "feature_no")
    job = models.ForeignKey(
        ImportJob, on_delete=models.CASCADE, related_name="staged", db_constraint=False, db_index=False
    )
    feature_no = models.PositiveIntegerField()
    # Any geometry type: a Polygon/MultiPolygon check is part of validation, not of the column type.
    # No GiST index: every spatial join starts from the registry's indexed geometry, and COPY is faster.
    geom = models.GeometryField(srid=STORAGE_SRID, null=True, spatial_index=False)
    # Measured in the organisation's UTM zone while staging, as registry.geometry.area_m2 does for one parcel.
    area_m2 = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    parcel_code = models.CharField(max_length=32, blank=True)
    zone_no = models.PositiveSmallIntegerField(null=True)
    block_letter = models.CharField(max_length=1, blank=True)
    lot_no = models.PositiveSmallIntegerField(null=True)
    split_no = models.PositiveSmallIntegerField(null=True)
    # The registry's block and village of the code and Moo, looked up while staging (plain ids: a block
    # removed before commit makes the commit's foreign key fail, and the user is asked to check again).
    block_id = models.BigIntegerField(null=True)
    village_id = models.BigIntegerField(null=True)
    document_no = models.CharField(max_length=20, null=True)
    land_no = models.CharField(max_length=20, null=True)
    survey_page = models.CharField(max_length=20, null=True)
    volume = models.CharField(max_length=20, null=True)
    page = models.CharField(max_length=20, null=True)
    house_no = models.CharField(max_length=20, null=True)
    road = models.CharField(max_length=120, null=True)
    deed_area_sq_wa = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    village_no = models.PositiveSmallIntegerField(null=True)
    land_use = models.PositiveSmallIntegerField(null=True)
    owner_id = models.CharField(max_length=13, null=True)
    owner_type = models.CharField(max_length=12, null=True)
    owner_title = models.CharField(max_length=40, null=True)
    owner_first_name = models.CharField(max_length=200, null=True)
    owner_last_name = models.CharField(max_length=120, null=True)
    # A name given without an ID number: reported, never written (an owner needs the number).
    owner_name = models.TextField(null=True)
    owner_share_num = models.PositiveIntegerField(null=True)
    owner_share_den = models.PositiveIntegerField(null=True)
    has_error = models.BooleanField(default=False)


class ImportIssue(models.Model):
    class Severity(models.TextChoices):
        ERROR = "error", _("Error")
        WARNING = "warning", _("Warning")

    # Written by COPY, up to one row per feature and check (100,000 warnings are possible): no per-row
    # foreign-key check, and the (job, severity) index serves every lookup by job. Rows go with their job
    # through Django's cascade.
    job = models.ForeignKey(
        ImportJob, on_delete=models.CASCADE, related_name="issues", db_constraint=False, db_index=False
    )
    feature_no = models.PositiveIntegerField(null=True)  # None: about the whole file
    severity = models.CharField(max_length=8, choices=Severity.choices)
    code = models.CharField(max_length=40)
    message = models.TextField()

    class Meta:
        # Issues of the whole file (no feature) first, then by feature.
        ordering = [models.F("feature_no").asc(nulls_first=True), "id"]
        indexes = [models.Index(fields=["job", "severity"], name="importissue_job_sev")]
