"""Generator of the demo organisation (อบต.ทรายทอง) used by ``manage.py seed_demo``.

plan.py builds everything as plain numpy/shapely data in UTM metres (territory → tiling → parcels → buildings
→ owners → assets); writer.py stores it with bulk inserts and history; accounts.py adds the demo logins.
"""
