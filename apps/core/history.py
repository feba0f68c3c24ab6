"""simple-history's records, made lean for tables that are written in bulk (imports of 100,000 parcels).

simple-history copies every index of the tracked model onto its history table, and indexes and constrains its
link to the user. A history table is read by id (one row's past) and by date (as-of queries, recent edits),
so on a table that receives a whole file in one statement the other indexes only cost time: each one is
maintained for every row written. ``BulkHistoricalRecords`` also leaves out the spatial index, which no
reader of a history table uses (maps draw today's rows).
"""

from simple_history.models import HistoricalRecords


class BulkHistoricalRecords(HistoricalRecords):
    def __init__(self, *args, **kwargs) -> None:
        # A user id is kept as written even if the user is removed later; no per-row foreign-key check.
        kwargs.setdefault("user_db_constraint", False)
        super().__init__(*args, **kwargs)

    def copy_fields(self, model):
        fields = super().copy_fields(model)
        for history_field in fields.values():
            if getattr(history_field, "spatial_index", False):
                history_field.spatial_index = False
        return fields
