"""The organisation's own assets, kept as map layers: roads, streetlights, signboards."""

from django.contrib.gis.db import models
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.i18n import choices_from
from apps.organisations.models import STORAGE_SRID, OrgScoped
from apps.registry.domain import codes


class Road(OrgScoped):
    class Surface(models.TextChoices):
        ASPHALT = "asphalt", _("Asphalt")
        CONCRETE = "concrete", _("Concrete")
        LATERITE = "laterite", _("Laterite")
        EARTH = "earth", _("Earth")

    class Condition(models.TextChoices):
        GOOD = "good", _("Good")
        FAIR = "fair", _("Fair")
        POOR = "poor", _("Poor")

    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("road code"), max_length=30, blank=True)
    surface = models.CharField(_("surface"), max_length=10, choices=Surface.choices)
    width_m = models.DecimalField(
        _("width (m)"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0)]
    )
    condition = models.CharField(
        _("condition"), max_length=10, choices=Condition.choices, default=Condition.GOOD
    )
    geom = models.MultiLineStringField(_("centre line"), srid=STORAGE_SRID)
    length_m = models.DecimalField(
        _("length (m)"), max_digits=10, decimal_places=1, null=True, editable=False
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("road")
        verbose_name_plural = _("roads")
        ordering = ["organisation", "name"]

    def __str__(self) -> str:
        return self.name


class Streetlight(OrgScoped):
    class LampType(models.TextChoices):
        LED = "led", _("LED")
        SODIUM = "sodium", _("High-pressure sodium")
        FLUORESCENT = "fluorescent", _("Fluorescent tube")
        SOLAR = "solar", _("Solar LED")

    class Status(models.TextChoices):
        WORKING = "working", _("Working")
        BROKEN = "broken", _("Broken")
        REMOVED = "removed", _("Removed")

    pole_no = models.CharField(_("pole no."), max_length=30)
    lamp_type = models.CharField(_("lamp type"), max_length=12, choices=LampType.choices)
    watts = models.PositiveSmallIntegerField(_("watts"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WORKING)
    road = models.ForeignKey(
        Road,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="streetlights",
        verbose_name=_("road"),
    )
    installed_year_be = models.PositiveSmallIntegerField(_("installed (B.E.)"), null=True, blank=True)
    geom = models.PointField(_("location"), srid=STORAGE_SRID)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("streetlight")
        verbose_name_plural = _("streetlights")
        ordering = ["organisation", "pole_no"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "pole_no"], name="streetlight_unique_pole")
        ]

    def __str__(self) -> str:
        return self.pole_no


class Signboard(OrgScoped):
    sign_type = models.PositiveSmallIntegerField(_("sign type"), choices=choices_from(codes.SIGN_TYPES))
    text = models.CharField(_("text on the sign"), max_length=200, blank=True)
    width_cm = models.PositiveIntegerField(_("width (cm)"), validators=[MinValueValidator(1)])
    height_cm = models.PositiveIntegerField(_("height (cm)"), validators=[MinValueValidator(1)])
    sides = models.PositiveSmallIntegerField(_("faces"), default=1, validators=[MinValueValidator(1)])
    parcel = models.ForeignKey(
        "registry.Parcel",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signboards",
        verbose_name=_("parcel"),
    )
    owner = models.ForeignKey(
        "registry.Owner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signboards",
        verbose_name=_("owner"),
    )
    installed_on = models.DateField(_("installed on"), null=True, blank=True)
    geom = models.PointField(_("location"), srid=STORAGE_SRID)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("signboard")
        verbose_name_plural = _("signboards")

    def __str__(self) -> str:
        return self.text or str(self.pk)
