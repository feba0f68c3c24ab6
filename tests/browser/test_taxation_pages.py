"""The tax officer's assessment pages in headless Chromium: list → taxpayer → what-if (the API, never JS
arithmetic), and the yearly run started from its button with the progress bar polling until done."""

import re

import pytest

from apps.taxation.models import Assessment, AssessmentRun
from apps.taxation.services import assessment_run
from apps.taxation.tests.test_views import YEAR, build_registry

from .conftest import LAPTOP, PHONE, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def assessed(org):
    data = build_registry(org)
    assessment_run(org=org, tax_year=YEAR, registry_now=True)
    return data


def test_list_taxpayer_and_what_if(new_page, live_server, tax_officer, assessed, foreign_requests):
    for viewport, size in ((LAPTOP, "laptop"), (PHONE, "phone")):
        page = new_page(viewport)
        login(page, live_server, tax_officer.username)
        page.goto(f"{live_server.url}/taxation/?year={YEAR}")
        rows = page.locator("table.assessments tbody tr")
        assert rows.count() == 3
        assert "6,600.00" in page.locator(".totals").inner_text()
        screenshot(page, f"taxation-list-{size}")

        page.select_option("#id_use", "vacant")
        page.locator("form.filters button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        assert page.locator("table.assessments tbody tr").count() == 1

        page.goto(f"{live_server.url}/taxation/?year={YEAR}")
        page.locator(f"tr[data-owner='{assessed['A'].pk}'] a").click()
        page.wait_for_load_state("networkidle")
        assert page.locator("#current-total").inner_text() == "600.00"
        assert page.locator("svg.parcel-map").count() == 2
        screenshot(page, f"taxation-taxpayer-{size}")

        # What if 01A002 were 400 sq wa instead of 200: 400,000 × 0.3% = 1,200.00 (from the engine).
        second = page.locator("#whatif fieldset[data-index='1']")
        second.locator("input[name=area]").fill("400")
        with page.expect_response(re.compile(r"/taxation/whatif/quote$")) as reply:
            page.locator("#whatif-run").click()
        assert reply.value.status == 200
        assert page.locator("#whatif-total").inner_text() == "1,200.00"
        assert "+600.00" in page.locator("#whatif-result").inner_text()

        # A use change: 01A002 vacant for 1 year → 200,000 × 0.3% = 600.00, same tax, vacant table.
        page.locator("#whatif-reset").click()
        second.locator("select[name=use]").select_option("vacant")
        page.locator("#whatif-run").click()
        page.wait_for_function("document.querySelector('#whatif-total') !== null")
        assert "(V)" in page.locator("#whatif-result").inner_text()
        # a bad number is caught before asking the server
        page.locator("#whatif-reset").click()
        second.locator("input[name=area]").fill("12,5")
        page.locator("#whatif-run").click()
        assert second.locator("input[name=area]").get_attribute("aria-invalid") == "true"
        screenshot(page, f"taxation-whatif-{size}")
    # nothing was saved by the what-if panel
    assert Assessment.objects.get(owner=assessed["A"], tax_year=YEAR).total_satang == 60_000
    assert foreign_requests == []


def test_run_button_shows_progress_then_the_summary(new_page, live_server, org, tax_officer, assessed):
    before = AssessmentRun.objects.filter(organisation=org).count()
    page = new_page(LAPTOP)
    login(page, live_server, tax_officer.username)
    page.goto(f"{live_server.url}/taxation/?year={YEAR}")
    page.locator("input[name=registry_now]").check()
    page.locator("#run-start").click()
    page.wait_for_load_state("domcontentloaded")
    assert "after=" in page.url
    # the page polls and reloads itself on the plain list when the run is done
    page.wait_for_url(re.compile(r"/taxation/\?year=\d+$"), timeout=30_000)
    assert AssessmentRun.objects.filter(organisation=org).count() == before + 1
    assert page.locator("#run-status").get_attribute("data-status") == "done"
    page.locator("#run-status a").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#run-summary").is_visible()
    assert page.locator("table.problems tbody tr").count() == 1  # 02B001 has no price
    screenshot(page, "taxation-run-laptop")
