"""Intake to a booked induction course (issue #4): the patient answers the intake by link on a phone, eligibility is
screened at once, the prescriber records consent, creates and signs an IV induction plan, books the whole course of six
sessions with one click, and sees a seventh booking refused for spacing."""

import datetime

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_measurement import patient_id_for, phone_driver
from test_platform import navigating, open_page, sign_in, table_rows, wait_for, wait_loaded


def fill_intake(phone, skip=None):
    """Answers every yes/no with No (escort: Yes), the choices with their first real option, vitals and measures today."""
    today = datetime.date.today().isoformat()
    phone.find_element(By.CSS_SELECTOR, "input[name='plannedRoutes.iv']").click()
    for question in phone.find_elements(By.CSS_SELECTOR, ".question"):
        radios = question.find_elements(By.CSS_SELECTOR, "input[type=radio]")
        if radios:
            name = radios[0].get_attribute("name")
            if name == skip:
                continue
            value = "yes" if name == "transport.escortArranged" else "no"
            radio = question.find_element(By.CSS_SELECTOR, f"input[value='{value}']")
            phone.execute_script("arguments[0].scrollIntoView({block:'center'})", radio)
            # Tap the label as a person does (a script click: emulated-touch coordinates drift while the page scrolls).
            phone.execute_script("arguments[0].click()", radio.find_element(By.XPATH, ".."))
    for select in phone.find_elements(By.CSS_SELECTOR, ".question select"):
        Select(select).select_by_index(1)
    values = {
        "baselineVitals.systolic": "128", "baselineVitals.diastolic": "82", "baselineVitals.heartRate": "72",
        "bodyMeasures.weightKg": "80", "bodyMeasures.heightCm": "175",
    }
    for name, value in values.items():
        field = phone.find_element(By.NAME, name)
        field.clear()
        field.send_keys(value)
    for name in ("baselineVitals.measuredOn", "bodyMeasures.measuredOn"):
        phone.execute_script("arguments[0].value = arguments[1]", phone.find_element(By.NAME, name), today)
    code = phone.find_element(By.NAME, "diagnoses[0].code")
    code.clear()
    code.send_keys("F41.1")
    phone.find_element(By.NAME, "diagnoses[0].isPrimary").click()


def test_intake_link_to_six_booked_sessions_and_spacing_refusal(server, driver, shot, artifacts_dir):
    base = server
    sign_in(driver, base, "nurse.kim")
    patient = patient_id_for(driver, base, "KC-000012")
    box = driver.find_element(By.CSS_SELECTOR, "input[name='withQuestionnaires']")
    if box.is_selected():
        box.click()
    navigating(driver, lambda: driver.find_element(By.ID, "send-intake-link").click())
    url = wait_for(driver, "#link-url").get_attribute("value")

    phone = phone_driver()
    try:
        phone.get(url)
        wait_loaded(phone)
        assert "/intake" in phone.current_url
        assert phone.execute_script("return document.documentElement.scrollWidth") <= 320  # no sideways scrolling on a phone
        # An unanswered question is refused by name and nothing typed is lost.
        fill_intake(phone, skip="urinary.cystitis")
        navigating(phone, lambda: phone.find_element(By.ID, "intake-submit").click())
        error = wait_for(phone, "#intake-error").text
        assert "urinary.cystitis" in error
        assert phone.find_element(By.NAME, "bodyMeasures.weightKg").get_attribute("value") == "80"
        radio = phone.find_element(By.CSS_SELECTOR, "input[name='urinary.cystitis'][value='no']")
        phone.execute_script("arguments[0].scrollIntoView({block:'center'})", radio)
        phone.execute_script("arguments[0].click()", radio.find_element(By.XPATH, ".."))
        phone.save_screenshot(str(artifacts_dir / "phone-intake.png"))
        navigating(phone, lambda: phone.find_element(By.ID, "intake-submit").click())
        assert phone.find_elements(By.ID, "thanks"), phone.page_source[:500]
    finally:
        phone.quit()

    navigating(driver, lambda: driver.find_element(By.ID, "sign-out").click())
    sign_in(driver, base, "dr.patel")
    open_page(driver, base, f"/patients/{patient}")
    assert "Screening:" in driver.find_element(By.ID, "screening-decision").text
    # Acknowledge whatever relative or informational rule fired, each with a documented reason.
    for _ in range(10):
        forms = driver.find_elements(By.CSS_SELECTOR, "#fired-rules form")
        if not forms:
            break
        forms[0].find_element(By.NAME, "reason").send_keys("Reviewed at intake; plan adjusted")
        navigating(driver, lambda: forms[0].find_element(By.CSS_SELECTOR, "button").click())
    assert "eligible" == driver.find_element(By.CSS_SELECTOR, "#screening-decision strong").text
    shot("screened")

    Select(driver.find_element(By.ID, "c-route")).select_by_value("iv")
    driver.find_element(By.ID, "c-name").send_keys("Patient Twelve")
    navigating(driver, lambda: driver.find_element(By.CSS_SELECTOR, "#consent-form button").click())
    assert "signed v1" in driver.find_element(By.ID, "consents").text

    Select(driver.find_element(By.ID, "pl-template")).select_by_value("iv-racemic-induction")
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    driver.execute_script("arguments[0].value = arguments[1]", driver.find_element(By.ID, "pl-start"), tomorrow)
    navigating(driver, lambda: driver.find_element(By.CSS_SELECTOR, "#plan-form button").click())
    navigating(driver, lambda: driver.find_element(By.CSS_SELECTOR, ".sign-plan").click())
    assert "signed by dr.patel" in driver.find_element(By.CSS_SELECTOR, ".plan").text
    Select(driver.find_element(By.CSS_SELECTOR, ".plan select[name=phase]")).select_by_value("induction")
    navigating(driver, lambda: driver.find_element(By.CSS_SELECTOR, ".move-phase").click())
    assert driver.find_element(By.CSS_SELECTOR, ".plan-phase").text == "induction"

    navigating(driver, lambda: driver.find_element(By.CSS_SELECTOR, ".book-sessions").click())
    proposals = table_rows(driver, "proposals")
    assert len(proposals) == 6, proposals
    shot("proposal")
    navigating(driver, lambda: driver.find_element(By.ID, "book-all").click())
    booked = driver.find_elements(By.CSS_SELECTOR, "#booked li")
    assert len(booked) == 6

    # A seventh session the afternoon of the first breaks the spacing rules: refused with the reason, nothing booked.
    first = datetime.datetime.strptime(proposals[0][1][:10], "%Y-%m-%d").date()
    driver.execute_script("arguments[0].value = arguments[1]", driver.find_element(By.ID, "b-date"), first.isoformat())
    driver.execute_script("arguments[0].value = '15:00'", driver.find_element(By.ID, "b-time"))
    navigating(driver, lambda: driver.find_element(By.CSS_SELECTOR, "#book-one button").click())
    error = wait_for(driver, "#booking-error").text
    assert "the minimum is 20 h" in error and "one dosing session per calendar day" in error, error
    assert len(driver.find_elements(By.CSS_SELECTOR, "#booked li")) == 6
    shot("spacing-refused")

    open_page(driver, base, "/schedule?view=week&date=" + tomorrow)
    assert "Patient" in driver.page_source or driver.find_elements(By.CSS_SELECTOR, "table.schedule tbody tr")
