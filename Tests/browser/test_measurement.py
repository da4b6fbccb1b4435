"""Measurement-based care end to end: a nurse sends a GAD-7 + PHQ-9 link, the patient answers on a phone-sized
window (PHQ-9 item 9 = 1), sees the crisis text, and the prescriber sees and acknowledges the alert."""

import os

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from conftest import _chrome_options
from test_platform import navigating, open_page, sign_in, table_rows, wait_for, wait_loaded


def phone_driver():
    opts = _chrome_options()
    # Desktop Chrome will not shrink a window below ~500 px; mobile emulation gives a true 320 px viewport.
    opts.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": 320, "height": 640, "pixelRatio": 2}})
    return webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=opts)


def patient_id_for(driver, base, mrn):
    open_page(driver, base, f"/patients?q={mrn}")
    link = driver.find_element(By.CSS_SELECTOR, "#results a")
    navigating(driver, link.click)
    return driver.current_url.rstrip("/").split("/")[-1].split("#")[0]


def answer_all(phone, values):
    """Clicks the radio button with `values[i]` for item i (by label, as a person taps)."""
    items = phone.find_elements(By.CSS_SELECTOR, "fieldset.item")
    for index, item in enumerate(items):
        if index >= len(values) or values[index] is None:
            continue
        radio = item.find_element(By.CSS_SELECTOR, f"input[value='{values[index]}']")
        phone.execute_script("arguments[0].scrollIntoView({block:'center'})", radio)
        radio.find_element(By.XPATH, "..").click()
    return len(items)


def test_phone_link_gad7_phq9_item9_alert_reaches_prescriber(server, driver, shot, artifacts_dir):
    base = server
    sign_in(driver, base, "nurse.kim")
    patient = patient_id_for(driver, base, "KC-000007")
    name = driver.find_element(By.ID, "patient-name").text
    for instrument in ("gad7", "phq9"):
        driver.find_element(By.CSS_SELECTOR, f"#send-link-form input[value='{instrument}']").click()
    navigating(driver, lambda: driver.find_element(By.ID, "create-link").click())
    url = wait_for(driver, "#link-url").get_attribute("value")
    assert "/r/" in url
    assert driver.find_element(By.CSS_SELECTOR, ".qr svg title").get_attribute("textContent")
    shot("link-with-qr")

    phone = phone_driver()
    try:
        phone.get(url)
        wait_loaded(phone)
        assert "GAD-7" in phone.find_element(By.TAG_NAME, "h1").text or "Anxiety" in phone.find_element(By.TAG_NAME, "h1").text
        assert phone.execute_script("return window.innerWidth") == 320
        assert phone.execute_script("return document.documentElement.scrollWidth") <= 320  # readable at 320 px: no sideways scrolling
        # Answer three items, then "lose the phone": reopening the link keeps them (each answer is saved as it is given).
        answer_all(phone, [1, 2, 1])
        phone.execute_script("return new Promise(r => setTimeout(r, 600))")
        phone.get(url)
        wait_loaded(phone)
        checked = phone.find_elements(By.CSS_SELECTOR, "input[type=radio]:checked")
        assert len(checked) == 3
        count = answer_all(phone, [1, 2, 1, 2, 1, 1, 2, 1])
        assert count >= 7
        phone.save_screenshot(str(artifacts_dir / "phone-gad7.png"))
        navigating(phone, lambda: phone.find_element(By.ID, "submit-questionnaire").click())
        assert "PHQ-9" in phone.page_source or "Patient Health" in phone.page_source
        # Sending with a question unanswered keeps the answers and asks for the missing one.
        answer_all(phone, [0, 0, 0])
        navigating(phone, lambda: phone.find_element(By.ID, "submit-questionnaire").click())
        assert "Please answer question 4" in phone.find_element(By.ID, "form-error").text
        answer_all(phone, [0, 0, 0, 0, 0, 1, 0, 0, 1, 1])
        navigating(phone, lambda: phone.find_element(By.ID, "submit-questionnaire").click())
        assert phone.find_element(By.ID, "thanks").is_displayed()
        crisis = phone.find_element(By.ID, "crisis-text").text
        assert "988" in crisis and "not watched in real time" in crisis
        phone.save_screenshot(str(artifacts_dir / "phone-done-crisis.png"))
        phone.get(url)
        wait_loaded(phone)
        assert "already been completed" in phone.find_element(By.ID, "link-problem").text
        phone.get(url[:-3] + "xyz")
        wait_loaded(phone)
        assert "not valid" in phone.find_element(By.ID, "link-problem").text
    finally:
        phone.quit()

    # The prescriber sees the alert on the dashboard, acknowledges it with the action taken.
    driver.delete_all_cookies()
    sign_in(driver, base, "dr.patel")
    open_page(driver, base, "/dashboard")
    alerts = wait_for(driver, "#safety-alerts").text
    assert name in alerts
    shot("prescriber-dashboard-alert")
    open_page(driver, base, f"/patients/{patient}")
    assert driver.find_element(By.ID, "trajectory-gad7").is_displayed()
    assert driver.find_element(By.CSS_SELECTOR, "#trajectory-phq9 svg title").get_attribute("textContent")
    rows = table_rows(driver, "responses")
    assert any("PHQ9" in " ".join(r) for r in rows) and any("GAD7" in " ".join(r) for r in rows)
    note = driver.find_element(By.CSS_SELECTOR, "#assessments .ack-note")
    note.send_keys("Called patient; safety plan reviewed; C-SSRS done, low risk")
    shot("chart-alert-before-ack")
    navigating(driver, lambda: note.find_element(By.XPATH, "../button").click())
    assert "acknowledged by dr.patel" in driver.find_element(By.ID, "assessments").text
    open_page(driver, base, "/dashboard")
    # The demo clinic has other patients' open alerts; this patient's is gone.
    remaining = driver.find_elements(By.CSS_SELECTOR, "#safety-alerts")
    assert not remaining or name not in remaining[0].text
    shot("dashboard-after-ack")
