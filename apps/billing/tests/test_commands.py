"""Management commands of billing."""

import datetime as dt
import io

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from apps.billing.services import objection_file
from apps.billing.tests.factories import issued_assessment, make_bill


def test_billing_issue(org):
    issued_assessment(org)
    out = io.StringIO()
    call_command("billing_issue", "--year", "2567", "--org", org.slug, stdout=out)
    assert "1 bills made" in out.getvalue()


def test_objection_reminders_mail_the_officers(org, tax_officer):
    tax_officer.email = "officer@example.org"
    tax_officer.save()
    bill = make_bill(org)
    today = timezone.localdate()
    objection_file(
        org=org,
        bill_id=bill.pk,
        notice_received_on=today - dt.timedelta(days=60),
        filed_on=today - dt.timedelta(days=55),
        grounds="x",
        by=tax_officer,
    )
    out = io.StringIO()
    call_command("billing_objection_reminders", "--org", org.slug, stdout=out)
    assert bill.reference in out.getvalue()
    assert [m.to for m in mail.outbox] == [["officer@example.org"]]


def test_elaas_export_command(org, tmp_path):
    target = tmp_path / "e.csv"
    call_command("billing_elaas_export", "--day", "2024-04-20", "--org", org.slug, "--out", str(target))
    assert target.read_text(encoding="utf-8").lstrip("\ufeff").startswith("receipt_date,receipt_no")
