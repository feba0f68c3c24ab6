"""`manage.py billing_objection_reminders [--org slug]`: objections whose 60-day limit (s.73) is near or past.

Meant for a daily timer: it lists them and e-mails the organisation's tax officers and administrators who have
an e-mail address. Past the limit an objection counts as accepted by law, so the reminder comes
BILLING_OBJECTION_REMINDER_DAYS (default 10) days before.
"""

from django.core.mail import send_mail
from django.core.management.base import BaseCommand

from apps.billing.selectors import objections_needing_decision, today
from apps.organisations.models import Membership, Organisation, Role


class Command(BaseCommand):
    help = "Remind the officers of objections to decide before the 60-day limit."

    def add_arguments(self, parser):
        parser.add_argument("--org", help="one organisation (default: all)")

    def handle(self, *args, org, **options):
        orgs = Organisation.objects.filter(slug=org) if org else Organisation.objects.all()
        for organisation in orgs:
            pending = objections_needing_decision(org=organisation)
            if not pending:
                continue
            lines = [
                f"{o.bill.reference} filed {o.filed_on.isoformat()}, decide by {o.decide_by.isoformat()}"
                + (" (LATE: deemed accepted)" if o.decide_by < today() else "")
                for o in pending
            ]
            self.stdout.write(f"{organisation.slug}: {len(pending)} objection(s) to decide")
            for line in lines:
                self.stdout.write(f"  {line}")
            recipients = list(
                Membership.objects.filter(organisation=organisation, role__in=[Role.TAX_OFFICER, Role.ADMIN])
                .exclude(user__email="")
                .values_list("user__email", flat=True)
            )
            if recipients:
                send_mail(
                    subject=f"[{organisation.slug}] {len(pending)} objection(s) to decide (s.73, 60 days)",
                    message="\n".join(lines),
                    from_email=None,
                    recipient_list=recipients,
                )
