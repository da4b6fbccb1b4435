"""As-needed sessions on loss of response (issue #10, DOMAIN.md §5.2): a maintenance patient who responded and then
worsens is proposed a session on the chart's plan panel and the dashboard; the front desk books it through the booking
page (marked as-needed), and a prescriber dismisses a proposal with a reason. The plan panel is checked for readability
at 1366×768 and on a 390×844 phone."""

import datetime
import json
import os
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from conftest import DEMO_PASSWORD, _chrome_options
from test_platform import navigating, open_page, sign_in, wait_for

GAD7_BASELINE = [3, 3, 2, 2, 2, 2, 2]  # 16
GAD7_RESPONSE = [1, 1, 1, 1, 1, 0, 0]  # 5: a 69% reduction
GAD7_WORSE = [2, 2, 2, 2, 2, 1, 1]  # 12: no longer a 50% reduction from 16


class API:
    """Bearer-token JSON calls to the running server (setup only; the flows under test go through the browser)."""

    def __init__(self, base):
        self.base = base
        self.tokens = {}

    def token(self, username):
        if username not in self.tokens:
            _, answer = self.call(None, "POST", "/api/v1/auth/token", {"username": username, "password": DEMO_PASSWORD})
            self.tokens[username] = answer["token"]
        return self.tokens[username]

    def call(self, username, method, path, body=None):
        headers = {"Content-Type": "application/json"}
        if username:
            headers["Authorization"] = "Bearer " + self.token(username)
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")


def maintenance_patient(api, mrn):
    """A GAD patient on a signed IV plan: baseline 16, induction, a response of 5, the review, maintenance, then 12."""
    status, found = api.call("nurse.kim", "GET", f"/api/v1/patients?q={mrn}")
    assert status == 200, found
    patient = found["patients"][0]["id"]
    status, answer = api.call("dr.patel", "POST", f"/api/v1/patients/{patient}/diagnoses", {"code": "F41.1", "isPrimary": True})
    assert status in (201, 409), answer
    baseline_at = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    status, answer = api.call("nurse.kim", "POST", f"/api/v1/patients/{patient}/responses",
                              {"instrument": "gad7", "answers": GAD7_BASELINE, "context": "baseline", "answeredAt": baseline_at})
    assert status == 201, answer
    today = datetime.date.today().isoformat()
    status, plan = api.call("dr.patel", "POST", f"/api/v1/patients/{patient}/plans", {"template": "iv-racemic-induction", "startDate": today})
    assert status == 201, plan
    plan_id = plan["id"]
    assert api.call("dr.patel", "POST", f"/api/v1/plans/{plan_id}/sign")[0] == 200
    status, answer = api.call("dr.patel", "POST", f"/api/v1/plans/{plan_id}/phase", {"phase": "induction"})
    assert status == 200, answer
    status, answer = api.call("nurse.kim", "POST", f"/api/v1/patients/{patient}/responses", {"instrument": "gad7", "answers": GAD7_RESPONSE})
    assert status == 201, answer
    status, answer = api.call("dr.patel", "POST", f"/api/v1/plans/{plan_id}/induction-review", {"decision": "continue"})
    assert status == 201, answer
    status, answer = api.call("dr.patel", "POST", f"/api/v1/plans/{plan_id}/phase", {"phase": "maintenance"})
    assert status == 200, answer
    status, answer = api.call("nurse.kim", "POST", f"/api/v1/patients/{patient}/responses", {"instrument": "gad7", "answers": GAD7_WORSE})
    assert status == 201, answer
    status, check = api.call("nurse.kim", "GET", f"/api/v1/plans/{plan_id}/as-needed")
    assert status == 200 and check["status"] == "proposed", check
    return patient, plan_id


def phone(width=390, height=844):
    options = _chrome_options()
    options.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": width, "height": height, "pixelRatio": 2}})
    return webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)


def show(driver, css):
    element = wait_for(driver, css)
    driver.execute_script("arguments[0].scrollIntoView({block:'start'}); window.scrollBy(0, -24)", element)
    return element


def test_as_needed_session_booked_by_front_desk_and_dismissed_by_prescriber(server, driver, shot, artifacts_dir):
    base = server
    api = API(base)
    patient, plan_id = maintenance_patient(api, "KC-000021")
    box = f"#as-needed-{plan_id}"

    # The front desk sees the proposal on the dashboard and on the chart's plan panel.
    driver.set_window_size(1366, 768)
    sign_in(driver, base, "frontdesk.lee")
    proposals = show(driver, "#as-needed-proposals")
    assert "GAD-7 12" in proposals.text and "baseline of 16" in proposals.text, proposals.text
    shot("dashboard-1366")
    open_page(driver, base, f"/patients/{patient}")
    panel = show(driver, box)
    assert "As-needed session proposed" in panel.text and "GAD-7 12" in panel.text and "8 or less" in panel.text, panel.text
    assert "design default" in panel.text
    assert not driver.find_elements(By.CSS_SELECTOR, f"{box} .dismiss-as-needed"), "the front desk cannot dismiss"
    assert driver.execute_script("return document.documentElement.scrollWidth") <= 1366
    shot("chart-plan-panel-1366")

    # Booking goes through the booking page, with the earliest slot filled in.
    navigating(driver, lambda: driver.find_element(By.CSS_SELECTOR, f"{box} .book-as-needed").click())
    form = show(driver, "#book-as-needed")
    assert driver.find_element(By.ID, "an-date").get_attribute("value"), "a date is proposed"
    assert not driver.find_elements(By.ID, "book-all"), "no induction course is offered to a maintenance plan"
    shot("booking-page-1366")
    driver.find_element(By.ID, "an-note").send_keys("as-needed: loss of response")
    navigating(driver, lambda: form.find_element(By.CSS_SELECTOR, "button").click())
    assert not driver.find_elements(By.ID, "booking-error"), driver.find_element(By.ID, "booking-error").text
    assert not driver.find_elements(By.ID, "book-as-needed"), "once booked, nothing is proposed"
    open_page(driver, base, f"/patients/{patient}")
    assert "As-needed session booked by frontdesk.lee" in show(driver, box).text
    rows = driver.find_elements(By.CSS_SELECTOR, "#patient-bookings tbody tr")
    assert any("as-needed" in row.text for row in rows), [row.text for row in rows]
    shot("chart-booked-1366")

    # Cancelled, the proposal returns; the prescriber dismisses it with a reason.
    row = next(row for row in driver.find_elements(By.CSS_SELECTOR, "#patient-bookings tbody tr") if "as-needed" in row.text)
    row.find_element(By.NAME, "reason").send_keys("patient travelling")
    navigating(driver, lambda: row.find_element(By.CSS_SELECTOR, "button").click())
    navigating(driver, lambda: driver.find_element(By.ID, "sign-out").click())
    sign_in(driver, base, "dr.patel")
    open_page(driver, base, f"/patients/{patient}")
    panel = show(driver, box)
    assert "As-needed session proposed" in panel.text, panel.text
    panel.find_element(By.NAME, "reason").send_keys("reviewed by phone: exam stress, no session needed; recheck next week")
    navigating(driver, lambda: driver.find_element(By.CSS_SELECTOR, f"{box} .dismiss-as-needed button").click())
    panel = show(driver, box)
    assert "Dismissed by dr.patel" in panel.text and "exam stress" in panel.text, panel.text
    shot("chart-dismissed-1366")

    # The plan panel on a phone: no sideways scrolling, the proposal and its actions readable.
    status, answer = api.call("nurse.kim", "POST", f"/api/v1/patients/{patient}/responses", {"instrument": "gad7", "answers": [2, 2, 2, 2, 2, 2, 1]})
    assert status == 201, answer
    small = phone()
    try:
        sign_in(small, base, "dr.patel")
        open_page(small, base, f"/patients/{patient}")
        panel = show(small, box)
        assert "As-needed session proposed" in panel.text and "GAD-7 13" in panel.text, panel.text
        # Every part of the plan (the as-needed box, its reason field and buttons) fits the phone's width. (Other chart
        # tables, e.g. diagnoses and fired rules, scroll sideways on a phone already; they are not part of this panel.)
        wider = small.execute_script(
            "return [...document.querySelectorAll(arguments[0] + ', ' + arguments[0] + ' *')]"
            ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).map(e => e.tagName + '.' + e.className)",
            f"#plan-{plan_id}")
        assert not wider, wider
        reason = panel.find_element(By.NAME, "reason")
        assert reason.size["width"] >= 150, reason.size
        small.save_screenshot(str(artifacts_dir / "test_plans-phone-390-plan-panel.png"))
        for path in ("/dashboard", f"/plans/{plan_id}/schedule"):
            open_page(small, base, path)
            assert small.execute_script("return document.documentElement.scrollWidth") <= 390, path
        show(small, "#book-as-needed")
        small.save_screenshot(str(artifacts_dir / "test_plans-phone-390-booking-page.png"))
    finally:
        small.quit()
