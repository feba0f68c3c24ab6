"""Owners from the file: ID numbers checked per feature, owners created or matched, undone with the job."""

import pytest
from django.urls import reverse
from stdnum.th import pin

from apps.imports import services, validation
from apps.imports.models import ImportIssue, ImportJob
from apps.registry.domain.owner_id import make_valid_personal_id
from apps.registry.models import Owner, Ownership, Parcel
from apps.registry.tests.factories import OwnerFactory, OwnershipFactory, ParcelFactory

from .files import lonlat_square, parcel_rows, write_layer

# Made-up numbers with a right check digit (never real IDs: PDPA).
NEW_ID = make_valid_personal_id("199990000001")
KNOWN_ID = make_valid_personal_id("199990000002")
COMPANY_ID = "099999000001" + pin.calc_check_digit("099999000001")
BAD_ID = NEW_ID[:-1] + str((int(NEW_ID[-1]) + 1) % 10)
OWNER_MAP = {"parcel_code": "PCODE", "owner_id": "PID", "owner_name": "OWNER", "owner_share": "SHARE"}


def _owner_file(tmp_path, owners: list[tuple[str, str, str]]):
    rows = parcel_rows(len(owners))
    rows["PID"] = [pid for pid, _name, _share in owners]
    rows["OWNER"] = [name for _pid, name, _share in owners]
    rows["SHARE"] = [share for _pid, _name, share in owners]
    geoms = [lonlat_square(30 + i) for i in range(len(owners))]
    return write_layer(tmp_path / "owners.geojson", geoms, rows, driver="GeoJSON")


def _checked(org, user, path, field_map=OWNER_MAP):
    job = services.job_create_from_path(org=org, user=user, path=path)
    services.job_configure(job=job, source_srid=None, field_map=field_map)
    return services.job_run(job=job)


@pytest.mark.parametrize(
    ("full", "expected"),
    [
        ("นายสมชาย ใจดี", ("นาย", "สมชาย", "ใจดี")),
        ("นางสาวสมศรี มีนา", ("นางสาว", "สมศรี", "มีนา")),
        ("นาง  สมศรี   มีนา ทรายทอง", ("นาง", "สมศรี", "มีนา ทรายทอง")),
        ("ด.ญ.มาลี ศรีสุข", ("ด.ญ.", "มาลี", "ศรีสุข")),
        ("สมหมาย ใจงาม", ("", "สมหมาย", "ใจงาม")),
        ("นาง", ("", "นาง", "")),  # a title alone is a name
        ("นางสาว", ("นาง", "สาว", "")),  # as before the regex: the longest title that leaves a name
    ],
)
def test_full_name_splits_after_the_thai_title(full, expected):
    assert validation.split_thai_name(full) == expected


@pytest.mark.django_db
def test_owner_ids_are_checked_per_feature_and_a_missing_id_is_a_warning(org, surveyor, tmp_path):
    path = _owner_file(
        tmp_path,
        [
            (NEW_ID, "นายสมชาย ใจดี", ""),
            (BAD_ID, "นางสมศรี มีนา", ""),
            ("", "นายไม่มี เลขบัตร", ""),
            (make_valid_personal_id("199990000003"), "", ""),  # unknown to the registry, and no name
            (make_valid_personal_id("199990000004"), "นายสมหมาย ใจงาม", "3/2"),
        ],
    )
    job = _checked(org, surveyor, path)
    assert job.status == ImportJob.Status.VALIDATED, job.message
    issues = {(i.feature_no, i.severity, i.code) for i in ImportIssue.objects.filter(job=job)}
    assert (2, "error", "bad_owner_id") in issues
    assert (3, "warning", "owner_without_id") in issues
    assert (4, "error", "owner_without_name") in issues
    assert (5, "error", "bad_owner_share") in issues
    assert not {i for i in issues if i[0] == 1}
    assert job.error_count == 3 and job.warning_count == 1
    bad = ImportIssue.objects.get(job=job, feature_no=2, code="bad_owner_id")
    assert "check digit" in bad.message and BAD_ID not in bad.message  # PDPA: the number is not echoed


@pytest.mark.django_db
def test_commit_creates_missing_owners_and_ownerships_and_undo_removes_only_those(org, surveyor, tmp_path):
    known = OwnerFactory(organisation=org, id_number=KNOWN_ID, first_name="เดิม", last_name="อยู่ก่อน")
    path = _owner_file(
        tmp_path,
        [
            (KNOWN_ID, "นายชื่อ ในไฟล์", ""),  # matched by ID: the registry's name is kept
            (NEW_ID, "นางสาวสมศรี มีนา", "1/2"),
            ("", "นายไม่มี เลขบัตร", ""),
            (NEW_ID, "นางสาวสมศรี มีนา", ""),  # the same person on a second parcel: one owner
            (COMPANY_ID, "บริษัท ทรายทอง จำกัด", ""),
        ],
    )
    owners_before = Owner.objects.filter(organisation=org).count()
    job = services.job_commit(job=_checked(org, surveyor, path), by=surveyor)
    assert job.status == ImportJob.Status.COMMITTED, job.message
    assert job.created_count == 5

    assert Owner.objects.filter(organisation=org).count() == owners_before + 2
    new = Owner.objects.get(organisation=org, id_number=NEW_ID)
    assert (new.owner_type, new.title, new.first_name, new.last_name) == (
        "individual",
        "นางสาว",
        "สมศรี",
        "มีนา",
    )
    company = Owner.objects.get(organisation=org, id_number=COMPANY_ID)
    assert (company.owner_type, company.first_name, company.last_name) == (
        "juristic",
        "บริษัท ทรายทอง จำกัด",
        "",
    )
    known.refresh_from_db()
    assert known.first_name == "เดิม"
    shares = {
        (o.parcel.parcel_code, o.owner.id_number, o.share_numerator, o.share_denominator)
        for o in Ownership.objects.filter(organisation=org).select_related("parcel", "owner")
    }
    assert shares == {
        ("02B001", KNOWN_ID, 1, 1),
        ("02B002", NEW_ID, 1, 2),
        ("02B004", NEW_ID, 1, 1),
        ("02B005", COMPANY_ID, 1, 1),
    }
    assert not Ownership.objects.filter(parcel__parcel_code="02B003").exists()  # a name without an ID
    assert [h.history_type for h in new.history.all()] == ["+"]
    assert new.history.first().history_user == surveyor
    assert Ownership.history.filter(owner_id=new.pk, history_type="+").count() == 2

    services.job_undo(job=job, by=surveyor)
    assert not Ownership.objects.filter(organisation=org).exists()
    assert Owner.objects.filter(pk=known.pk).exists()  # it was there before the import
    assert not Owner.objects.filter(id_number__in=[NEW_ID, COMPANY_ID]).exists()
    assert Owner.objects.filter(organisation=org).count() == owners_before
    assert [h.history_type for h in Owner.history.filter(id=new.pk).order_by("history_date")] == ["+", "-"]
    assert Ownership.history.filter(owner_id=new.pk, history_type="-").count() == 2
    assert not Parcel.objects.filter(organisation=org, parcel_code__startswith="02B").exists()


@pytest.mark.django_db
def test_undo_is_refused_when_a_created_owner_now_owns_something_else(org, surveyor, tmp_path):
    path = _owner_file(tmp_path, [(NEW_ID, "นางสาวสมศรี มีนา", "")])
    job = services.job_commit(job=_checked(org, surveyor, path), by=surveyor)
    new = Owner.objects.get(organisation=org, id_number=NEW_ID)
    OwnershipFactory(organisation=org, owner=new, parcel=ParcelFactory(organisation=org))

    with pytest.raises(services.ImportRefused):
        services.job_undo(job=job, by=surveyor)
    assert Owner.objects.filter(pk=new.pk).exists()
    assert Ownership.objects.filter(owner=new).count() == 2
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.COMMITTED


@pytest.mark.django_db
def test_separate_name_columns_are_used_as_they_are(org, surveyor, tmp_path):
    rows = parcel_rows(1)
    rows.update({"PID": [NEW_ID], "TITLE": ["นาง"], "FNAME": ["สมศรี"], "LNAME": ["มีนา ทรายทอง"]})
    path = write_layer(tmp_path / "cols.gpkg", [lonlat_square(40)], rows, driver="GPKG")
    field_map = {
        "parcel_code": "PCODE",
        "owner_id": "PID",
        "owner_title": "TITLE",
        "owner_first_name": "FNAME",
        "owner_last_name": "LNAME",
    }
    job = services.job_commit(job=_checked(org, surveyor, path, field_map), by=surveyor)
    assert job.status == ImportJob.Status.COMMITTED, job.message
    owner = Owner.objects.get(organisation=org, id_number=NEW_ID)
    assert (owner.title, owner.first_name, owner.last_name) == ("นาง", "สมศรี", "มีนา ทรายทอง")
    assert owner.ownerships.get().parcel.parcel_code == "02B001"


@pytest.mark.django_db
def test_an_id_named_on_a_later_feature_is_created_from_that_feature(org, surveyor, tmp_path):
    path = _owner_file(tmp_path, [(NEW_ID, "", ""), (NEW_ID, "นายสมชาย ใจดี", "")])
    job = _checked(org, surveyor, path)
    assert job.error_count == 0, list(ImportIssue.objects.filter(job=job).values_list("code", flat=True))
    services.job_commit(job=job, by=surveyor)
    owner = Owner.objects.get(organisation=org, id_number=NEW_ID)
    assert (owner.first_name, owner.ownerships.count()) == ("สมชาย", 2)


@pytest.mark.django_db
def test_the_pages_offer_the_owner_columns_and_count_what_was_created(client, org, surveyor, tmp_path):
    client.force_login(surveyor)
    path = _owner_file(tmp_path, [(NEW_ID, "นายสมชาย ใจดี", "1/2")])
    with path.open("rb") as fh:
        client.post(reverse("imports:index"), {"file": fh})
    job = ImportJob.objects.get(organisation=org)
    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert 'name="map_owner_id"' in page and 'name="map_owner_share"' in page
    form = {"layer": job.source_layer, "source_srid": 4326, "encoding": ""}
    form.update({f"map_{target}": column for target, column in OWNER_MAP.items()})
    assert client.post(reverse("imports:configure", args=[job.pk]), form).status_code == 302
    services.job_run_next()
    client.post(reverse("imports:commit", args=[job.pk]), {})
    services.job_run_next()
    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert "It created 1 new owners and 1 ownerships." in page


@pytest.mark.django_db
def test_owner_names_without_an_id_column_are_one_warning_for_the_file(org, surveyor, tmp_path, client):
    path = _owner_file(tmp_path, [("", "นายสมชาย ใจดี", ""), ("", "นางสมศรี มีนา", "")])
    job = _checked(org, surveyor, path, field_map={"parcel_code": "PCODE", "owner_name": "OWNER"})

    assert job.status == ImportJob.Status.VALIDATED, job.message
    issues = list(ImportIssue.objects.filter(job=job).values_list("feature_no", "severity", "code"))
    assert issues == [(None, "warning", "owner_id_not_mapped")]
    assert job.error_count == 0 and job.warning_count == 0
    client.force_login(surveyor)
    page = client.get(reverse("imports:detail", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="th").content.decode()
    assert "ทั้งไฟล์" in page and "เลขประจำตัว" in page
    services.job_commit(job=job, by=surveyor)
    assert Parcel.objects.filter(organisation=org).count() == 2
    assert not Ownership.objects.filter(organisation=org).exists()
