"""Staging gets one column per value (no JSON to encode and parse per row), a composite primary key as its
only index, no foreign-key check per row, and no WAL (UNLOGGED). Staged rows are scratch: the table is
recreated, and a job checked before this migration is checked again. Issues lose the per-row foreign-key
check and the index their (job, severity) index already covers."""

import django.contrib.gis.db.models.fields
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0002_no_link_table"),
    ]

    operations = [
        migrations.RunSQL(
            "UPDATE imports_importjob SET status = 'uploaded', message = '' WHERE status IN "
            "('validated', 'q_validate', 'validating', 'q_commit', 'committing')",
            migrations.RunSQL.noop,
        ),
        migrations.DeleteModel(name="StagedFeature"),
        migrations.CreateModel(
            name="StagedFeature",
            fields=[
                ("pk", models.CompositePrimaryKey("job", "feature_no", blank=True, editable=False,
                                                  primary_key=True, serialize=False)),
                ("feature_no", models.PositiveIntegerField()),
                ("geom", django.contrib.gis.db.models.fields.GeometryField(null=True, spatial_index=False,
                                                                           srid=4326)),
                ("area_m2", models.DecimalField(decimal_places=2, max_digits=14, null=True)),
                ("parcel_code", models.CharField(blank=True, max_length=32)),
                ("zone_no", models.PositiveSmallIntegerField(null=True)),
                ("block_letter", models.CharField(blank=True, max_length=1)),
                ("lot_no", models.PositiveSmallIntegerField(null=True)),
                ("split_no", models.PositiveSmallIntegerField(null=True)),
                ("block_id", models.BigIntegerField(null=True)),
                ("village_id", models.BigIntegerField(null=True)),
                ("document_no", models.CharField(max_length=20, null=True)),
                ("land_no", models.CharField(max_length=20, null=True)),
                ("survey_page", models.CharField(max_length=20, null=True)),
                ("volume", models.CharField(max_length=20, null=True)),
                ("page", models.CharField(max_length=20, null=True)),
                ("house_no", models.CharField(max_length=20, null=True)),
                ("road", models.CharField(max_length=120, null=True)),
                ("deed_area_sq_wa", models.DecimalField(decimal_places=2, max_digits=12, null=True)),
                ("village_no", models.PositiveSmallIntegerField(null=True)),
                ("land_use", models.PositiveSmallIntegerField(null=True)),
                ("owner_id", models.CharField(max_length=13, null=True)),
                ("owner_type", models.CharField(max_length=12, null=True)),
                ("owner_title", models.CharField(max_length=40, null=True)),
                ("owner_first_name", models.CharField(max_length=200, null=True)),
                ("owner_last_name", models.CharField(max_length=120, null=True)),
                ("owner_name", models.TextField(null=True)),
                ("owner_share_num", models.PositiveIntegerField(null=True)),
                ("owner_share_den", models.PositiveIntegerField(null=True)),
                ("has_error", models.BooleanField(default=False)),
                ("job", models.ForeignKey(db_constraint=False, db_index=False,
                                          on_delete=django.db.models.deletion.CASCADE, related_name="staged",
                                          to="imports.importjob")),
            ],
        ),
        migrations.RunSQL(
            "ALTER TABLE imports_stagedfeature SET UNLOGGED", "ALTER TABLE imports_stagedfeature SET LOGGED"
        ),
        migrations.AlterField(
            model_name="importissue",
            name="job",
            field=models.ForeignKey(db_constraint=False, db_index=False,
                                    on_delete=django.db.models.deletion.CASCADE, related_name="issues",
                                    to="imports.importjob"),
        ),
        migrations.AlterModelOptions(
            name="importissue",
            options={"ordering": [models.OrderBy(models.F("feature_no"), nulls_first=True), "id"]},
        ),
    ]
