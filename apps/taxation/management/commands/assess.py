"""`manage.py assess --year 2569 [--org slug]`: the yearly assessment run, with progress and a summary."""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from apps.organisations.commands import organisation_from_option
from apps.taxation.inputs import BANGKOK
from apps.taxation.models import AssessmentProblem
from apps.taxation.services import assessment_run


def baht(satang: int) -> str:
    return f"{satang / 100:,.2f}" if abs(satang) < 10**15 else str(satang)


class Command(BaseCommand):
    help = (
        "Assess every taxpayer of an organisation for one tax year (B.E.) from the registry as it stood on "
        "1 January. Drafts of the year are replaced; issued assessments are kept and a changed taxpayer gets "
        "a new draft version. Bad registry data is listed as problems and the rest is assessed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="tax year, Buddhist Era (e.g. 2569)")
        parser.add_argument("--org", help="organisation slug (needed when there is more than one)")
        parser.add_argument(
            "--as-of",
            help="read the registry as it stood at the end of this date (YYYY-MM-DD) instead of 1 January",
        )
        parser.add_argument(
            "--registry-now",
            action="store_true",
            help="read the registry as it is now (a registry loaded after 1 January has no older history)",
        )
        parser.add_argument("--workers", type=int, help="engine processes (default: one per CPU core)")
        parser.add_argument("--problems", type=int, default=20, help="how many problems to list (default 20)")

    def handle(self, *args, year, org, as_of, registry_now, workers, problems, **options):
        organisation = organisation_from_option(org)
        moment = None
        if as_of:
            try:
                day = dt.date.fromisoformat(as_of)
            except ValueError as exc:
                raise CommandError(_("--as-of must be a date like 2026-01-01")) from exc
            moment = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=BANGKOK)
        started = time.perf_counter()
        last_print = [0.0]

        def progress(stage: str, done: int, total: int) -> None:
            now = time.perf_counter()
            if stage == "assessing" and done < total and now - last_print[0] < 1.0:
                return  # one line a second is enough on a slow terminal
            last_print[0] = now
            counted = f" {done:,}/{total:,}" if total else ""
            self.stdout.write(f"[{now - started:6.1f}s] {stage}{counted}")

        run = assessment_run(
            org=organisation,
            tax_year=year,
            as_of=moment,
            registry_now=registry_now,
            workers=workers,
            progress=progress,
        )
        self._print_summary(run, problems)

    def _print_summary(self, run, limit: int) -> None:
        s = run.summary
        write = self.stdout.write
        write("")
        write(
            _("Tax year %(year)s, %(org)s, registry as at %(as_of)s, appraisal round %(round)s")
            % {
                "year": run.tax_year,
                "org": run.organisation,
                "as_of": s["as_of"],
                "round": s["appraisal_round"] or "-",
            }
        )
        write(
            _("Parcels %(p)s, buildings %(b)s; taxpayers assessed %(t)s, skipped %(k)s, problems %(n)s")
            % {
                "p": f"{s['parcels']:,}",
                "b": f"{s['buildings']:,}",
                "t": f"{s['taxpayers']:,}",
                "k": f"{s['taxpayers_skipped']:,}",
                "n": f"{s['problems']:,}",
            }
        )
        write(
            _("Drafts written %(w)s; unchanged since issue %(u)s")
            % {"w": f"{s['drafts_written']:,}", "u": f"{s['unchanged_since_issue']:,}"}
        )
        write(_("Total tax: %(total)s baht") % {"total": baht(s["total_satang"])})
        for use, satang in sorted(s["tax_by_use_satang"].items()):
            write(f"  {use:<12} {baht(satang):>20}")
        ex = s["exemptions"]
        write(
            _("Exemptions: %(n)s taxpayers pay nothing; %(e)s exempt lines")
            % {"n": f"{ex['taxpayers_paying_nothing']:,}", "e": ex["exempt_lines"]}
        )
        for table, satang in sorted(ex["allowance_by_table_satang"].items()):
            write(_("  allowance, table %(t)s: %(a)s baht of base") % {"t": table, "a": baht(satang)})
        last = s["against_last_year"]
        write(
            _(
                "Against %(y)s: %(prev)s baht → change %(chg)s; new %(new)s, higher %(hi)s, lower %(lo)s, "
                "same %(same)s, gone %(gone)s"
            )
            % {
                "y": last["tax_year"],
                "prev": baht(last["previous_total_satang"]),
                "chg": baht(last["change_satang"]),
                "new": last["new"],
                "hi": last["higher"],
                "lo": last["lower"],
                "same": last["same"],
                "gone": last["gone"],
            }
        )
        if s["problems"]:
            write(
                _("Problems by kind: %(kinds)s")
                % {"kinds": ", ".join(f"{k} {n}" for k, n in sorted(s["problems_by_kind"].items()))}
            )
            for problem in AssessmentProblem.objects.filter(run=run)[:limit]:
                write(f"  - {problem.message}")
        timings = ", ".join(f"{k} {v}" for k, v in s["timings"].items())
        write(_("Run %(id)s finished (%(t)s)") % {"id": run.pk, "t": timings})
