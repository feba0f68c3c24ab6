"""Treasury appraisal data: land price per square wa by block (and by parcel where the Treasury lists one)."""

from django.contrib.gis.db import models
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.organisations.models import OrgScoped


class AppraisalRound(OrgScoped):
    """A Treasury appraisal round (รอบบัญชี), e.g. 2566-2569; prices are kept for every past round."""

    name = models.CharField(_("name"), max_length=60)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("appraisal round")
        verbose_name_plural = _("appraisal rounds")
        ordering = ["organisation", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="appraisal_round_unique")
        ]

    def __str__(self) -> str:
        return self.name


class BlockLandPrice(OrgScoped):
    appraisal_round = models.ForeignKey(
        AppraisalRound,
        on_delete=models.PROTECT,
        related_name="block_prices",
        verbose_name=_("appraisal round"),
    )
    block = models.ForeignKey(
        "registry.TaxMapBlock", on_delete=models.PROTECT, related_name="land_prices", verbose_name=_("block")
    )
    price_per_sq_wa = models.DecimalField(
        _("price per sq wa (baht)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("block land price")
        verbose_name_plural = _("block land prices")
        constraints = [
            models.UniqueConstraint(fields=["appraisal_round", "block"], name="block_price_unique_per_round"),
        ]
