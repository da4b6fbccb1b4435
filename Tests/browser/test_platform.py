"""End-to-end browser tests: sign-in, search, chart, amendments, lockout, roles, patient registration.

Run: python3 -m pytest -q Tests/browser   (see conftest.py for the environment variables)
"""

import datetime
import os
import time
from urllib.parse import parse_qs, urlparse

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import ARTIFACTS_DIR, DEMO_PASSWORD, DEMO_USERS

TIMEOUT = 15


# --- helpers -----------------------------------------------------------------------------------


def path_of(driver):
    return urlparse(driver.current_url).path


def wait_for(driver, css):
    return WebDriverWait(driver, TIMEOUT).until(EC.visibility_of_element_located((By.CSS_SELECTOR, css)))


def wait_loaded(driver):
    WebDriverWait(driver, TIMEOUT).until(lambda d: d.execute_script("return document.readyState") == "complete")


def _is_stale(element):
    # Chromedriver sometimes answers a probe of a node from the previous page with a generic inspector error
    # ("Node with given id does not belong to the document") instead of a stale-element error: both mean "gone".
    try:
        element.is_enabled()
        return False
    except WebDriverException:
        return True


def navigating(driver, action):
    """Runs action (a click or Enter that submits a form or follows a link) and waits for the next page."""
    old_page = driver.find_element(By.TAG_NAME, "html")
    action()
    WebDriverWait(driver, TIMEOUT).until(lambda _: _is_stale(old_page))
    wait_loaded(driver)


def open_page(driver, base_url, path):
    driver.get(base_url + path)
    wait_loaded(driver)


def type_into(driver, css, text):
    field = driver.find_element(By.CSS_SELECTOR, css)
    field.clear()
    field.send_keys(text)
    return field


def submit_login(driver, base_url, username, password):
    if path_of(driver) != "/login":
        open_page(driver, base_url, "/login")
    type_into(driver, "#username", username)
    type_into(driver, "#password", password)
    navigating(driver, lambda: driver.find_element(By.ID, "sign-in").click())


def sign_in(driver, base_url, username, password=DEMO_PASSWORD):
    submit_login(driver, base_url, username, password)
    errors = driver.find_elements(By.ID, "login-error")
    assert not errors, f"sign-in as {username} failed: {errors[0].text}"
    assert path_of(driver) == "/dashboard", f"expected /dashboard after sign-in, got {driver.current_url}"


def login_error(driver):
    return wait_for(driver, "#login-error").text


def table_rows(driver, table_id):
    """The body rows of a table as lists of cell texts."""
    rows = driver.find_elements(By.CSS_SELECTOR, f"#{table_id} tbody tr")
    return [[cell.text.strip() for cell in row.find_elements(By.TAG_NAME, "td")] for row in rows]


def field_errors(driver):
    return [element.text for element in driver.find_elements(By.CSS_SELECTOR, "#form-error, p.field-error")]


# --- tests ---------------------------------------------------------------------------------------


def test_nurse_amends_phone_with_history(server, driver, shot):
    sign_in(driver, server, "nurse.kim")
    shot("dashboard")

    # Search from the dashboard.
    navigating(driver, lambda: type_into(driver, "#q", "KC-000001").send_keys(Keys.ENTER))
    assert path_of(driver) == "/patients"
    assert parse_qs(urlparse(driver.current_url).query).get("q") == ["KC-000001"]
    assert driver.find_element(By.ID, "q").get_attribute("value") == "KC-000001", "the search box should keep the query"
    wait_for(driver, "#results")
    shot("search-results")
    matches = [row for row in driver.find_elements(By.CSS_SELECTOR, "#results tbody tr") if "KC-000001" in row.text]
    assert len(matches) == 1, f"expected exactly one KC-000001 row, got: {[r[:2] for r in table_rows(driver, 'results')]}"
    link = matches[0].find_element(By.CSS_SELECTOR, "a[href^='/patients/']")
    listed_name = link.text.strip()

    # Open the chart.
    navigating(driver, link.click)
    chart_path = path_of(driver)
    assert chart_path.startswith("/patients/") and chart_path.count("/") == 2, driver.current_url
    assert wait_for(driver, "#mrn").text.strip() == "KC-000001"
    patient_name = driver.find_element(By.ID, "patient-name").text.strip()
    assert patient_name, "the chart should show the patient's name"
    assert listed_name == patient_name, f"search listed {listed_name!r} but the chart is for {patient_name!r}"
    old_phone = driver.find_element(By.ID, "phone").text.strip()
    shot("chart-before")

    # Amend: first without a reason.
    new_phone = "+1 555 010 " + ("7788" if "7788" not in old_phone else "8877")
    assert new_phone != old_phone
    navigating(driver, lambda: driver.find_element(By.ID, "amend").click())
    assert path_of(driver) == chart_path + "/edit"
    assert driver.find_element(By.ID, "phone").get_attribute("value") == ("" if old_phone == "—" else old_phone)
    type_into(driver, "#phone", new_phone)
    driver.find_element(By.ID, "reason").clear()
    navigating(driver, lambda: driver.find_element(By.ID, "save").click())
    shot("amend-without-reason")
    reason_error = wait_for(driver, "#reason-error")
    assert reason_error.text.strip(), "the missing-reason error should say something"
    assert "reason" in reason_error.text.lower(), f"the error should be about the reason: {reason_error.text!r}"
    assert driver.find_element(By.ID, "phone").get_attribute("value") == new_phone, "the typed phone must survive the failed save"
    assert not path_of(driver) == chart_path, "a rejected amendment must not land on the chart"

    # Now with a reason.
    reason = "Patient phoned in a new number (browser test)"
    type_into(driver, "#reason", reason)
    shot("amend-with-reason")
    navigating(driver, lambda: driver.find_element(By.ID, "save").click())
    assert path_of(driver) == chart_path, f"a saved amendment should return to the chart, got {driver.current_url}"
    assert not driver.find_elements(By.ID, "form-error")
    assert wait_for(driver, "#phone").text.strip() == new_phone

    # Amendment history.
    history = table_rows(driver, "amendments")
    phone_rows = [row for row in history if len(row) == 6 and row[1] == "phone"]
    assert phone_rows, f"no phone row in #amendments: {history}"
    when, field, old, new, who, why = phone_rows[0]
    assert when, "the amendment should be dated"
    assert old == old_phone, f"old value {old!r}, expected {old_phone!r}"
    assert new == new_phone
    assert "nurse.kim" in who, f"Who column is {who!r}"
    assert why == reason

    # Access log: the nurse's own viewing is recorded.
    access = table_rows(driver, "access-log")
    assert any("nurse.kim" in " ".join(row) for row in access), f"nurse.kim not in #access-log: {access}"

    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(str(ARTIFACTS_DIR / "chart.png"))
    driver.find_element(By.ID, "history").location_once_scrolled_into_view
    shot("chart-history")
    driver.find_element(By.ID, "access").location_once_scrolled_into_view
    shot("chart-access-log")

    # Sign out; the session is gone.
    navigating(driver, lambda: driver.find_element(By.ID, "sign-out").click())
    assert path_of(driver) == "/login"
    assert not driver.find_elements(By.ID, "sign-out"), "the header should not offer sign-out after signing out"
    shot("signed-out")
    open_page(driver, server, "/dashboard")
    assert path_of(driver) == "/login", f"/dashboard after sign-out should redirect to /login, got {driver.current_url}"
    assert driver.find_element(By.ID, "username").is_displayed()


def test_lockout_after_five_wrong_passwords(server, driver, shot):
    """Uses frontdesk.lee. Against a reused PostgreSQL database, run it at most once per 15 minutes.

    Every refusal reads the same (issue #11): a guesser cannot tell an unknown user from a locked account."""
    messages = []
    for attempt in range(1, 6):
        submit_login(driver, server, "frontdesk.lee", f"not-the-password-{attempt}")
        messages.append(login_error(driver))
        assert "Wrong username or password" in messages[-1], f"attempt {attempt}: {messages[-1]!r}"
        assert path_of(driver) == "/login"
    assert len(set(messages)) == 1, messages
    shot("fifth-wrong-locked")

    submit_login(driver, server, "no.such.user", "not-the-password")
    assert login_error(driver) == messages[0], "an unknown user must get the same answer as a locked account"

    submit_login(driver, server, "frontdesk.lee", DEMO_PASSWORD)
    assert login_error(driver) == messages[0], "the right password on a locked account gets the same refusal"
    assert path_of(driver) == "/login"
    assert not driver.find_elements(By.ID, "sign-out"), "a locked account must not get a session"
    shot("right-password-still-locked")

    open_page(driver, server, "/dashboard")
    assert path_of(driver) == "/login", "no session should exist for the locked account"


def test_role_is_enforced_in_browser(server, driver, shot):
    sign_in(driver, server, "compliance.ortiz")
    open_page(driver, server, "/patients/new")
    shot("compliance-patients-new")
    heading = wait_for(driver, "h1").text
    body = driver.find_element(By.TAG_NAME, "body").text
    assert "403" in heading, f"expected a 403 page, heading is {heading!r}"
    assert "permission" in body.lower(), f"the 403 page should mention the permission: {body!r}"
    assert not driver.find_elements(By.ID, "save"), "the registration form must not be shown"

    driver.delete_all_cookies()
    sign_in(driver, server, "admin")
    open_page(driver, server, "/admin/users")
    assert path_of(driver) == "/admin/users"
    wait_for(driver, "#users")
    shot("admin-users")
    usernames = {row[0] for row in table_rows(driver, "users") if row}
    missing = set(DEMO_USERS) - usernames
    assert not missing, f"#users is missing {sorted(missing)}; it lists {sorted(usernames)}"


def test_invalid_patient_form_keeps_input(server, driver, shot):
    # A fresh SQLite database per run: the fixed MRN is free. A reused PostgreSQL one needs a new MRN each run.
    mrn = f"KC-NEW-{int(time.time()) % 10**8}" if os.environ.get("DATABASE_URL") else "KC-NEW-1"
    given, family, preferred = "Ada", "Quintbrowser", "Addie"
    future = (datetime.date.today() + datetime.timedelta(days=400)).isoformat()

    sign_in(driver, server, "nurse.kim")
    open_page(driver, server, "/patients/new")
    assert path_of(driver) == "/patients/new"
    type_into(driver, "#mrn", mrn)
    type_into(driver, "#legalGivenName", given)
    type_into(driver, "#legalFamilyName", family)
    type_into(driver, "#preferredName", preferred)
    date_input = driver.find_element(By.ID, "dateOfBirth")
    driver.execute_script("arguments[0].value = arguments[1]", date_input, future)
    assert date_input.get_attribute("value") == future
    Select(driver.find_element(By.ID, "sexAtBirth")).select_by_value("female")
    shot("filled-future-birth-date")
    navigating(driver, lambda: driver.find_element(By.ID, "save").click())
    shot("rejected")

    errors = field_errors(driver)
    assert errors, "an invalid date of birth should show an error"
    assert any("dateOfBirth" in text for text in errors), f"the error should name dateOfBirth: {errors}"
    assert not driver.find_elements(By.ID, "patient-name"), "an invalid patient must not be registered"
    values = {name: driver.find_element(By.ID, name).get_attribute("value")
              for name in ("mrn", "legalGivenName", "legalFamilyName", "preferredName", "dateOfBirth")}
    assert values == {"mrn": mrn, "legalGivenName": given, "legalFamilyName": family, "preferredName": preferred,
                      "dateOfBirth": future}, f"typed values were not kept: {values}"
    assert Select(driver.find_element(By.ID, "sexAtBirth")).first_selected_option.get_attribute("value") == "female"

    # Fix the date and submit again.
    driver.execute_script("arguments[0].value = arguments[1]", driver.find_element(By.ID, "dateOfBirth"), "1984-03-15")
    navigating(driver, lambda: driver.find_element(By.ID, "save").click())
    assert not driver.find_elements(By.ID, "form-error"), f"second save failed: {field_errors(driver)}"
    chart_path = path_of(driver)
    assert chart_path.startswith("/patients/") and chart_path.count("/") == 2, f"expected the new chart, got {driver.current_url}"
    assert family in wait_for(driver, "#patient-name").text
    assert driver.find_element(By.ID, "mrn").text.strip() == mrn
    assert "1984-03-15" in driver.find_element(By.CSS_SELECTOR, ".chart-head .meta").text
    shot("registered-chart")

    # The new patient can be found by MRN.
    open_page(driver, server, "/patients?q=" + mrn)
    assert any(row[1] == mrn for row in table_rows(driver, "results")), "the new patient should be searchable by MRN"
