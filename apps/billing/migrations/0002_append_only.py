"""Money rows are never rewritten: the database itself refuses UPDATE and DELETE on them.

A correction is a new row pointing at the old one (bill version, cancellation, reversing payment), so the
trigger has no exceptions. TRUNCATE (used only by test teardown) is a statement, not a row change, and is not
refused. The table list is apps.billing.models.APPEND_ONLY_TABLES, copied here as migrations must not change
when the model module does.
"""

from django.db import migrations

TABLES = (
    "billing_bill",
    "billing_billcancellation",
    "billing_billextension",
    "billing_payment",
    "billing_receipt",
    "billing_installmentplan",
    "billing_installment",
    "billing_objection",
    "billing_objectiondecision",
)

FUNCTION = """
CREATE OR REPLACE FUNCTION billing_refuse_rewrite() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'billing: % on % is refused: money records are append-only (write a new version or a reversing row)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


def _create(table: str) -> str:
    return (
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION billing_refuse_rewrite();"
    )


def _drop(table: str) -> str:
    return f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};"


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [
        migrations.RunSQL(
            sql=[FUNCTION, *(_create(table) for table in TABLES)],
            reverse_sql=[
                *(_drop(table) for table in TABLES),
                "DROP FUNCTION IF EXISTS billing_refuse_rewrite();",
            ],
        ),
    ]
