"""The database itself refuses to rewrite money records (migration 0002_append_only)."""

import pytest
from django.db import DatabaseError, connection, transaction

from apps.billing.models import APPEND_ONLY_TABLES, Payment
from apps.billing.services import payment_record
from apps.billing.tests.factories import make_bill


@pytest.fixture
def paid(org, tax_officer):
    bill = make_bill(org)
    return payment_record(
        org=org,
        bill_id=bill.pk,
        amount_satang=250_000,
        method=Payment.Method.CASH,
        by=tax_officer,
        idempotency_key="k",
    )


@pytest.mark.parametrize(
    ("table", "sql"),
    [
        ("billing_payment", "UPDATE billing_payment SET amount_satang = amount_satang + 1"),
        ("billing_payment", "DELETE FROM billing_payment"),
        ("billing_receipt", "UPDATE billing_receipt SET number = number + 100"),
        ("billing_receipt", "DELETE FROM billing_receipt"),
        ("billing_bill", "UPDATE billing_bill SET amount_satang = 1"),
        ("billing_bill", "DELETE FROM billing_bill"),
    ],
)
def test_raw_update_and_delete_are_refused(paid, table, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - table name from the test's own list
        assert cursor.fetchone()[0] == 1
    paid.payment.refresh_from_db()
    assert paid.payment.amount_satang == 250_000


def test_orm_save_of_a_payment_is_refused_too(paid):
    paid.payment.amount_satang = 1
    with pytest.raises(DatabaseError), transaction.atomic():
        paid.payment.save()


def test_every_append_only_table_has_the_trigger(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT event_object_table FROM information_schema.triggers "
            "WHERE trigger_name LIKE %s GROUP BY event_object_table",
            ["%_append_only"],
        )
        tables = {row[0] for row in cursor.fetchall()}
    assert tables == set(APPEND_ONLY_TABLES)
