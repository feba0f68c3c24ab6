"""``manage.py seed_demo``: a demo Sai Thong that looks real.

Villages, roads, tiled parcels, owners, buildings, streetlights, signboards, Treasury prices and, where the
settings allow it, one demo login per role.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from apps.organisations.models import Organisation
from apps.registry.demo import accounts
from apps.registry.demo.plan import make_plan
from apps.registry.demo.territory import ORGANISATION
from apps.registry.demo.writer import demo_rows_delete, organisation_upsert, plan_write
from apps.registry.models import Parcel

DEMO_URL = "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = "Create the demo organisation Sai Thong with villages, roads, parcels, owners and buildings."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=2568, help="Random seed: the same seed gives the same data."
        )
        parser.add_argument("--parcels", type=int, default=3000, help="Number of parcels (default 3000).")
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the organisation already has parcels."
        )
        group.add_argument(
            "--replace",
            action="store_true",
            help="Delete the organisation's demo data first, then build it again.",
        )

    def handle(self, *args, seed: int, parcels: int, if_empty: bool, replace: bool, **options) -> None:
        if not 100 <= parcels <= 150_000:
            raise CommandError(_("--parcels must be between 100 and 150,000."))
        self.started = time.monotonic()
        org = Organisation.objects.filter(dla_code=ORGANISATION["dla_code"]).first()
        existing = Parcel.objects.filter(organisation=org).count() if org else 0
        resident_owner = None
        if existing and if_empty:
            self.say(
                _("%(org)s already has %(count)s parcels: nothing to seed.")
                % {"org": org.name_th, "count": existing}
            )
        elif existing and not replace:
            raise CommandError(
                _(
                    "%(org)s already has %(count)s parcels. Use --replace to rebuild the demo or "
                    "--if-empty to skip."
                )
                % {"org": org.name_th, "count": existing}
            )
        else:
            if (
                org
                and Parcel.objects.filter(organisation=org)
                .exclude(geometry_source=Parcel.GeometrySource.DEMO)
                .exists()
            ):
                raise CommandError(
                    _("%(org)s has parcels that are not demo data; refusing to delete them.")
                    % {"org": org.name_th}
                )
            org, resident_owner = self.build(seed=seed, n_parcels=parcels, org=org)
        self.accounts(org, resident_owner)

    def say(self, message: str) -> None:
        self.stdout.write(f"[{time.monotonic() - self.started:7.1f} s] {message}")

    def build(self, *, seed: int, n_parcels: int, org: Organisation | None):
        self.say(_("Generating %(n)s parcels with seed %(seed)s…") % {"n": n_parcels, "seed": seed})
        plan = make_plan(seed, n_parcels, progress=self.say)
        try:
            with transaction.atomic():
                if org is not None:
                    self.say(_("Deleting the previous demo data…"))
                    demo_rows_delete(org)
                org = organisation_upsert(plan)
                counts, resident_owner = plan_write(plan, org=org, progress=self.say)
        except IntegrityError as exc:
            raise CommandError(
                _("Other records still refer to the demo data (%(error)s); delete them first.")
                % {"error": exc}
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("Seeded %(org)s in %(seconds).1f s:")
                % {"org": org.name_th, "seconds": time.monotonic() - self.started}
            )
        )
        for model, count in counts.items():
            self.stdout.write(f"  {count:>9,}  {model._meta.verbose_name_plural}")
        return org, resident_owner

    def accounts(self, org: Organisation, resident_owner) -> None:
        if not accounts.demo_accounts_enabled():
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "Demo accounts are disabled in these settings (GIS_PORTAL_DEMO_ACCOUNTS is off): "
                        "none created."
                    )
                )
            )
            return
        if resident_owner is None:
            resident_owner = accounts.resident_owner_pick(org=org)
        created = accounts.demo_accounts_ensure(org=org, resident_owner=resident_owner)
        self.stdout.write("")
        self.stdout.write(_("Open %(url)s and sign in with one of these demo accounts:") % {"url": DEMO_URL})
        self.stdout.write(f"  {_('username'):<12} {_('password'):<10} {_('role')}")
        for account in created:
            note = account.role.label
            if account.superuser:
                note = _("%(role)s, superuser") % {"role": note}
            if account.username == "resident" and resident_owner is not None:
                note = _("%(role)s, owner %(name)s") % {"role": note, "name": resident_owner.full_name}
            self.stdout.write(f"  {account.username:<12} {accounts.DEMO_PASSWORD:<10} {note}")
