"""The command line and the HTTP door give the same answer for the same document (tax-quote-contract.md)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]

FARM = {
    "tax_year": 2569,
    "taxpayer": {"type": "individual"},
    "properties": [
        {
            "ref": "A",
            "land": {"area": "1-0-00", "price_per_sq_wa": "5000"},
            "buildings": [
                {"floor_area_sqm": "700", "price_per_sqm": "3550", "construction": "wood", "age_years": 4}
            ],
            "uses": {"agriculture": "1"},
            "residence": None,
            "vacant_years": 0,
            "adjoining_group": None,
            "exempt": None,
            "standing_reduction_pct": 0,
        }
    ],
}
SHOP = {
    "tax_year": 2567,
    "taxpayer": {"type": "juristic"},
    "properties": [
        {"ref": "S", "land": {"area": {"sq_wa": "100"}, "price_per_sq_wa": "30000"}, "uses": {"other": "1"}}
    ],
}


def run_command(stdin_text: str):
    return subprocess.run(
        [sys.executable, "manage.py", "tax_quote", "-"],
        cwd=ROOT,
        input=stdin_text,
        capture_output=True,
        text=True,
        timeout=60,
        env={"DJANGO_SETTINGS_MODULE": "gis_portal.settings.test", "PATH": "/usr/bin:/bin"},
    )


@pytest.mark.parametrize("document", [FARM, SHOP], ids=["farm", "shop"])
def test_command_and_api_agree(client, document):
    cli = run_command(json.dumps(document))
    assert cli.returncode == 0, cli.stderr
    api = client.post("/api/v1/tax/quote", data=json.dumps(document), content_type="application/json")
    assert api.status_code == 200
    assert json.loads(cli.stdout) == api.json()
    assert isinstance(api.json()["total_satang"], int)


def test_shop_quote_has_the_expected_total(client):
    # 3,000,000 baht of other use at 0.3% = 9,000 baht (s.37 table O, first band).
    answer = client.post("/api/v1/tax/quote", data=json.dumps(SHOP), content_type="application/json").json()
    assert answer["total_satang"] == 900_000 and answer["total"] == "9000.00"


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('{"tax_year": 2569.0, "taxpayer": {"type": "individual"}, "properties": []}', "tax_year"),
        (
            json.dumps(
                {
                    **FARM,
                    "properties": [
                        {**FARM["properties"][0], "land": {"area": "1-5-00", "price_per_sq_wa": "5000"}}
                    ],
                }
            ),
            "area",
        ),
        (json.dumps({**FARM, "tax_year": 2560}), "tax_year"),
    ],
    ids=["json-float", "bad-deed-area", "year-before-2563"],
)
def test_bad_input_exit_2_and_http_400_name_the_field(client, text, field):
    cli = run_command(text)
    assert cli.returncode == 2
    assert cli.stdout == "" and cli.stderr.count("\n") == 1 and field in cli.stderr
    api = client.post("/api/v1/tax/quote", data=text, content_type="application/json")
    assert api.status_code == 400
    assert field in api.json()["field"]


def test_command_reads_a_file(tmp_path):
    path = tmp_path / "q.json"
    path.write_text(json.dumps(SHOP), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "manage.py", "tax_quote", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert json.loads(result.stdout)["total"] == "9000.00"


def test_garbage_body_is_400_not_500(client):
    api = client.post("/api/v1/tax/quote", data=b"\xff\xfe not json", content_type="application/json")
    assert api.status_code == 400
