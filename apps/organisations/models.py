"""The tenant: one local government (อปท.). Every registry row hangs off one, and every query names it."""

from django.conf import settings
from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

STORAGE_SRID = 4326


class Organisation(models.Model):
    class Kind(models.TextChoices):
        SAO = "sao", _("Subdistrict Administrative Organisation")
        SUBDISTRICT_MUNICIPALITY = "tm", _("Subdistrict municipality")
        TOWN_MUNICIPALITY = "mm", _("Town municipality")
        CITY_MUNICIPALITY = "nm", _("City municipality")
        PAO = "pao", _("Provincial Administrative Organisation")

    class UtmZone(models.IntegerChoices):
        # Areas are measured in metres in the organisation's own UTM zone on WGS 84.
        ZONE_47N = 32647, _("WGS 84 / UTM zone 47N")
        ZONE_48N = 32648, _("WGS 84 / UTM zone 48N")

    dla_code = models.CharField(_("DLA code"), max_length=10, unique=True)
    slug = models.SlugField(_("short name"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices, default=Kind.SAO)
    name_th = models.CharField(_("name (Thai)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    subdistrict_code = models.CharField(_("subdistrict code"), max_length=6, blank=True)
    district_th = models.CharField(_("district"), max_length=100, blank=True)
    province_th = models.CharField(_("province"), max_length=100, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    boundary = models.MultiPolygonField(_("boundary"), srid=STORAGE_SRID)
    utm_srid = models.IntegerField(_("UTM zone"), choices=UtmZone.choices, default=UtmZone.ZONE_48N)
    promptpay_biller_id = models.CharField(_("PromptPay biller ID"), max_length=15, blank=True)
    parcel_split_suffix_width = models.PositiveSmallIntegerField(
        _("width of the split suffix in parcel codes"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
        help_text=_("1 writes /1; 3 writes /001 (local practice)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_th"]

    def __str__(self) -> str:
        return self.name_th

    def clean(self) -> None:
        super().clean()
        if self.boundary is not None and not self.boundary.valid:
            raise ValidationError(
                {
                    "boundary": _("The boundary is not a valid polygon: %(reason)s")
                    % {"reason": self.boundary.valid_reason}
                }
            )


class Role(models.TextChoices):
    """Each role is also a Django group of the same name carrying its model permissions."""

    ADMIN = "admin", _("Administrator")
    SURVEYOR = "surveyor", _("Surveyor")
    TAX_OFFICER = "tax_officer", _("Tax officer")
    RESIDENT = "resident", _("Resident")


class Membership(models.Model):
    """A user works in (or, as a resident, belongs to) one organisation with one role there."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_one_role_per_org"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"


class OrgScoped(models.Model):
    """Base of every registry row: it belongs to exactly one organisation (OpenWISP's OrgMixin).

    ``clean`` refuses a link to another organisation's row, so a forged id can never join two tenants' data.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, verbose_name=_("organisation"), related_name="+"
    )

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        self.validate_same_organisation()

    def validate_same_organisation(self) -> None:
        errors = {}
        for field in self._meta.concrete_fields:
            if not field.is_relation or field.name == "organisation":
                continue
            target = field.related_model
            if not (isinstance(target, type) and issubclass(target, OrgScoped)):
                continue
            related_id = getattr(self, field.attname)
            if related_id is None or self.organisation_id is None:
                continue
            if not target._default_manager.filter(
                pk=related_id, organisation_id=self.organisation_id
            ).exists():
                errors[field.name] = _("This record belongs to another organisation or does not exist.")
        if errors:
            raise ValidationError(errors)
