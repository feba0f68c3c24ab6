"""Payments benchmark: record N payments from one bank statement file, with a receipt each.

    .venv/bin/python bench/payments.py                 # 10,000 bills, one 10,000-line bank file
    .venv/bin/python bench/payments.py --lines 2000    # a quick run
    .venv/bin/python bench/payments.py --fresh         # drop and recreate the bench database first

Prints the times; never asserts them. What it does, in order:
1. Works in its own database (``gis_portal_bench_payments`` on the project cluster, or $BENCH_DATABASE_URL),
   migrated to the current models. Billing rows cannot be deleted (the append-only triggers), so every run
   makes a new organisation in it; --fresh drops the database instead.
2. Makes N taxpayers, N issued assessments (tax 1,000.00-30,000.00 baht, due 30 April 2567) and their bills
   with bulk inserts (the setup is not what is measured).
3. Writes a bank file in the documented layout (apps/billing/bankfile.py): 90% of the lines pay a bill in
   full before the due date, 5% pay part of it, 3% pay more than owed (credit), 2% carry a reference that
   matches no bill (left for a person), plus a few garbage lines.
4. Times ``bank_statement_import`` — parse, match, lock each bill, allocate, insert payment and receipt
   with its gap-free number — in one transaction, as the import page runs it; then checks the counts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_URL = "postgis://gis_portal:gis_portal@127.0.0.1:55432/gis_portal_bench_payments"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=10_000, help="bills and bank lines (default 10,000)")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the bench database")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB_URL)
    os.environ["DJANGO_SETTINGS_MODULE"] = "gis_portal.settings.local"
    os.environ["DJANGO_DEBUG"] = "false"  # a DEBUG connection keeps every query in memory
    sys.path.insert(0, str(ROOT))
    _database_ensure(os.environ["DATABASE_URL"], fresh=args.fresh)

    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)

    from apps.billing.bankfile import parse
    from apps.billing.models import Payment, Receipt
    from apps.billing.services import bank_statement_import

    started = time.perf_counter()
    org, bills = _setup(args.lines)
    user, _ = User.objects.get_or_create(username="bench-cashier")
    with connection.cursor() as cursor:
        # Fresh bulk inserts have no planner statistics yet (autovacuum runs later); a live database has them.
        cursor.execute("ANALYZE")
    print(f"setup: {len(bills):,} bills for organisation {org.slug} in {time.perf_counter() - started:.1f} s")

    data = _bank_file(bills)
    started = time.perf_counter()
    lines, bad = parse(data.decode("utf-8"))
    parse_s = time.perf_counter() - started
    print(f"parse: {len(lines):,} lines, {len(bad)} garbage, {parse_s:.2f} s")

    started = time.perf_counter()
    statement = bank_statement_import(org=org, data=data, file_name="bench.csv", by=user)
    import_s = time.perf_counter() - started
    payments = Payment.objects.filter(organisation=org).count()
    receipts = Receipt.objects.filter(organisation=org).count()
    print(
        f"import: {import_s:.1f} s for {len(lines):,} lines = {len(lines) / import_s:,.0f} lines/s, "
        f"{import_s / max(1, payments) * 1000:.2f} ms per payment"
    )
    print(
        f"        matched {statement.matched_count:,}, waiting {statement.unmatched_count:,}, "
        f"garbage {len(statement.bad_lines)}, payments {payments:,}, receipts {receipts:,}"
    )
    numbers = list(
        Receipt.objects.filter(organisation=org).order_by("number").values_list("number", flat=True)
    )
    gap_free = numbers == list(range(1, len(numbers) + 1))
    print(f"        receipt numbers 1..{len(numbers):,} without gaps: {gap_free}")


def _setup(count: int):
    from django.contrib.gis.geos import MultiPolygon, Polygon
    from django.utils import timezone

    from apps.billing.models import Bill
    from apps.billing.services.bills import bill_reference
    from apps.organisations.models import Organisation
    from apps.registry.domain.owner_id import make_valid_personal_id
    from apps.registry.models import Owner
    from apps.taxation.models import Assessment

    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    org = Organisation.objects.create(
        dla_code=stamp[-10:],
        slug=f"bench-{stamp}",
        name_th="อบต.ทดสอบความเร็ว",
        name_en="Bench SAO",
        boundary=MultiPolygon(Polygon.from_bbox((103.1451, 16.7014, 103.1944, 16.7711)), srid=4326),
        promptpay_biller_id="099999999999900",
    )
    rng = random.Random(42)
    owners = Owner.objects.bulk_create(
        [
            Owner(
                organisation=org,
                owner_type=Owner.OwnerType.INDIVIDUAL,
                id_number=make_valid_personal_id(f"3460{n:08d}"),
                title="นาย",
                first_name=f"ทดสอบ{n}",
                last_name="ความเร็ว",
            )
            for n in range(count)
        ],
        batch_size=2000,
    )
    amounts = [rng.randrange(100_000, 3_000_000) for _ in owners]
    assessments = Assessment.objects.bulk_create(
        [
            Assessment(
                organisation=org,
                tax_year=2567,
                owner=owner,
                status=Assessment.Status.ISSUED,
                input_document={"properties": []},
                result={"total_satang": amount, "payment_due": "2024-04-30", "installment_due": []},
                total_satang=amount,
            )
            for owner, amount in zip(owners, amounts, strict=True)
        ],
        batch_size=2000,
    )
    bills = Bill.objects.bulk_create(
        [
            Bill(
                organisation=org,
                assessment=assessment,
                owner_id=assessment.owner_id,
                tax_year=2567,
                reference=bill_reference(tax_year=2567, owner_id=assessment.owner_id),
                amount_satang=assessment.total_satang,
                due_date=dt.date(2024, 4, 30),
            )
            for assessment in assessments
        ],
        batch_size=2000,
    )
    return org, bills


def _bank_file(bills) -> bytes:
    rng = random.Random(7)
    rows = ["date,time,amount,ref1,ref2,bank_ref"]
    for n, bill in enumerate(bills):
        roll = rng.random()
        amount = bill.amount_satang
        reference = bill.reference
        if roll < 0.05:
            amount = max(1, amount // 2)
        elif roll < 0.08:
            amount += 10_000
        elif roll < 0.10:
            reference = f"9{n:011d}"
        day = dt.date(2024, 4, 1) + dt.timedelta(days=n % 29)
        rows.append(
            f"{day.isoformat()},{9 + n % 8:02d}:{n % 60:02d}:00,{amount // 100}.{amount % 100:02d},"
            f"{reference},2567,BENCH{n:08d}"
        )
    rows[100:100] = ["garbage", "2024-04-31,10:00,1.00,x,y,z", "2024-04-01,10:00,-1.00,x,y,zz"]
    return ("\n".join(rows) + "\n").encode("utf-8")


def _database_ensure(url: str, *, fresh: bool) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.replace("postgis://", "postgresql://", 1).rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and fresh:
            print(f"dropping database {name}")
            conn.execute(f'DROP DATABASE "{name}"')  # our default or the operator's env, never a request
            exists = None
        if not exists:
            print(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    main()
