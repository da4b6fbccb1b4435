"""A whole IV ketamine session at the chair (issue #5): the prescriber orders 0.5 mg/kg from the chart weight (a stale weight
is refused first), a second clinician verifies, the nurse confirms the pre-dose checks and vitals, starts dosing, sees the
vitals countdown, records a stop-threshold blood pressure and acknowledges the alert with the action taken, rates MOAA/S and
CADSS, records an adverse event with its CTCAE grade, ticks vomiting on the side-effect checklist (a warning to acknowledge) and
records the rescue antiemetic; early discharge is refused, a prescriber overrides with a reason, the
patient is discharged, the record is signed and locked, and the print view fits one page with both charts.

Then, on a server of its own: a patient whose screening calls for closer monitoring (an MAOI, Child-Pugh B; DOMAIN.md §3.3,
§3.4, §7.1) shows the reasons and the denser schedule on the run-sheet, and a clinic that chooses the modified PADSS (§7.3)
gets its items on the discharge form; an unreachable cutoff is refused by `ketacare policy set`."""

import base64
import datetime
import json
import os
import shutil
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_ledger import _cli, _post, _serve, _stop
from test_platform import navigating, open_page, sign_in, type_into, wait_for

MRN = "KC-000008"



def score_discharge(driver, value="2"):
    """Rates every discharge score item at the chair: the form starts with none chosen (issue #12: never a passing pre-fill)."""
    selects = driver.find_elements(By.CSS_SELECTOR, "#discharge-form select")
    assert selects, "the discharge form has no score items"
    for element in selects:
        assert element.get_attribute("value") == "", f"{element.get_attribute('id')} was pre-filled with {element.get_attribute('value')!r}"
        Select(element).select_by_value(value)

def sign_out(driver):
    navigating(driver, lambda: driver.find_element(By.ID, "sign-out").click())


def click(driver, element_id):
    element = driver.find_element(By.ID, element_id)
    driver.execute_script("arguments[0].scrollIntoView({block:'center'})", element)
    navigating(driver, element.click)


def form_error(driver):
    errors = driver.find_elements(By.ID, "form-error")
    return (errors[0].text, errors[0].get_attribute("data-field")) if errors else (None, None)


def assert_no_error(driver, step):
    text, field = form_error(driver)
    assert text is None, f"{step}: unexpected refusal ({field}): {text}"


def state(driver):
    return driver.find_element(By.ID, "session-state").get_attribute("data-state")


def record_vitals(driver, systolic, diastolic, heart_rate, spo2, rr):
    for name, value in (("v-sys", systolic), ("v-dia", diastolic), ("v-hr", heart_rate), ("v-spo2", spo2), ("v-rr", rr)):
        type_into(driver, f"#{name}", str(value))
    click(driver, "record-vitals")


def rate(driver, instrument, score):
    Select(driver.find_element(By.ID, "a-inst")).select_by_value(instrument)
    type_into(driver, "#a-score", str(score))
    click(driver, "record-assessment")
    assert_no_error(driver, f"{instrument} {score}")


def test_whole_iv_session_at_the_chair(server, driver, shot, artifacts_dir):
    base = server
    # The nurse checks the patient in from the chart.
    sign_in(driver, base, "nurse.kim")
    open_page(driver, base, f"/patients?q={MRN}")
    navigating(driver, driver.find_element(By.CSS_SELECTOR, "#results a").click)
    patient_url = driver.current_url.split("#")[0]
    Select(driver.find_element(By.ID, "s-route")).select_by_value("iv")
    click(driver, "check-in")
    session_url = driver.current_url.split("#")[0]
    assert "/sessions/" in session_url
    assert state(driver) == "checked_in"
    sign_out(driver)

    # The prescriber orders: the chart weight is older than 30 days, so the order is refused naming the weight.
    sign_in(driver, base, "dr.patel")
    open_page(driver, base, session_url.replace(base, ""))
    type_into(driver, "#o-dose", "0.5")
    click(driver, "place-order")
    text, field = form_error(driver)
    assert field == "weight_measured_at", f"expected a stale-weight refusal, got {field}: {text}"
    assert "record a new weight" in text
    shot("stale-weight-refused")
    # Re-weigh (the same weight as last time, so no >10 % change to confirm) and order again.
    open_page(driver, base, patient_url.replace(base, ""))
    rows = driver.find_elements(By.CSS_SELECTOR, "#measurements tbody tr")
    latest = next(r.find_elements(By.TAG_NAME, "td")[2].text.split()[0] for r in rows if "weight" in r.text)
    Select(driver.find_element(By.ID, "m-kind")).select_by_value("weight")
    type_into(driver, "#m-value", latest)
    navigating(driver, lambda: driver.find_element(By.CSS_SELECTOR, "#measurements form button").click())
    open_page(driver, base, session_url.replace(base, ""))
    type_into(driver, "#o-dose", "0.5")
    click(driver, "place-order")
    assert_no_error(driver, "order")
    expected_mg = round(0.5 * float(latest), 1)
    assert f"{expected_mg:.1f}" in driver.find_element(By.ID, "order-dose").text.replace(",", "")
    assert "within" in driver.find_element(By.ID, "order-limit").text
    assert "not yet verified" in driver.find_element(By.ID, "order-verified").text
    assert not driver.find_elements(By.ID, "verify-order"), "the orderer must not be offered the double check"
    assert driver.find_element(By.CSS_SELECTOR, "#pk-figure svg title").get_attribute("textContent").startswith("Predicted")
    shot("order-with-pk")
    sign_out(driver)

    # The nurse verifies (independent double check), confirms the checks and the pre-dose set, and starts dosing.
    sign_in(driver, base, "nurse.kim")
    open_page(driver, base, session_url.replace(base, ""))
    click(driver, "verify-order")
    assert "verified by nurse.kim" in driver.find_element(By.ID, "order-verified").text
    for name in ("identity", "consent", "eligibility", "fasting", "escort", "medications_reviewed", "questionnaires_done"):
        box = driver.find_element(By.CSS_SELECTOR, f"#checks-form input[name='{name}']")
        if not box.is_selected():
            driver.execute_script("arguments[0].click()", box)
    Select(driver.find_element(By.ID, "c-preg")).select_by_value("not_applicable")
    click(driver, "save-checks")
    assert_no_error(driver, "checks")
    assert state(driver) == "pre_dose_checks"
    assert "vitals" in driver.find_element(By.ID, "pre-dose-unmet").text
    record_vitals(driver, 101, 0, 72, 98, 14)  # typing slip: diastolic 0 is implausible
    text, field = form_error(driver)
    assert field == "diastolic", f"expected the diastolic field to be named, got {field}: {text}"
    record_vitals(driver, 120, 78, 72, 98, 14)
    assert_no_error(driver, "pre-dose vitals")
    rate(driver, "moaas", 5)
    rate(driver, "cadss", 0)
    assert not driver.find_elements(By.ID, "pre-dose-unmet"), driver.find_element(By.ID, "checks").text
    click(driver, "next-state")
    assert_no_error(driver, "start dosing")
    assert state(driver) == "dosing"
    countdown = wait_for(driver, "#vitals-countdown")
    assert "due in" in countdown.text, countdown.text  # live countdown from app.js
    shot("dosing-countdown")

    # A stop-dosing blood pressure: the alert shows at once and needs the action taken.
    record_vitals(driver, 185, 104, 90, 97, 14)
    alert = driver.find_element(By.CSS_SELECTOR, ".alert-row.open.level-stop_dosing")
    assert "systolic" in alert.text and "185" in alert.text
    shot("stop-alert")
    click(driver, "pause-infusion")
    type_into(driver, ".alert-row.open input[name='action_taken']", "Infusion paused; prescriber at bedside; BP rechecked")
    navigating(driver, lambda: driver.find_element(By.CSS_SELECTOR, ".alert-row.open .ack-button").click())
    assert not driver.find_elements(By.CSS_SELECTOR, ".alert-row.open.level-stop_dosing")
    assert "Infusion paused" in driver.find_element(By.ID, "alerts").text
    click(driver, "resume-infusion")
    record_vitals(driver, 150, 90, 84, 98, 14)
    rate(driver, "moaas", 4)
    rate(driver, "cadss", 12)

    # An adverse event with its CTCAE grade.
    type_into(driver, "#ae-term", "Nausea")
    Select(driver.find_element(By.ID, "ae-grade")).select_by_value("1")
    Select(driver.find_element(By.ID, "ae-outcome")).select_by_value("resolved")
    type_into(driver, "#ae-treatment", "ondansetron 4 mg IV")
    click(driver, "record-ae")
    assert_no_error(driver, "adverse event")
    assert "CTCAE grade 1" in driver.find_element(By.ID, "adverse-events").text

    # The side-effect checklist: vomiting (moderate) raises a warning that needs acknowledging; the rescue antiemetic is recorded.
    driver.execute_script("arguments[0].click()", driver.find_element(By.ID, "se-vomiting"))
    Select(driver.find_element(By.ID, "se-severity-vomiting")).select_by_value("moderate")
    click(driver, "record-side-effects")
    assert_no_error(driver, "side effects")
    vomiting = [a for a in driver.find_elements(By.CSS_SELECTOR, ".alert-row.open.level-warning") if "Vomiting" in a.text]
    assert vomiting, driver.find_element(By.ID, "alerts").text
    alert_id = vomiting[0].get_attribute("id")
    type_into(driver, "#rm-drug", "ondansetron")
    type_into(driver, "#rm-dose", "4")
    Select(driver.find_element(By.ID, "rm-route")).select_by_value("iv")
    type_into(driver, "#rm-indication", "vomiting")
    click(driver, "record-rescue")
    assert_no_error(driver, "rescue medication")
    assert "ondansetron" in driver.find_element(By.ID, "rescue-table").text
    type_into(driver, f"#{alert_id} input[name='action_taken']", "Aspiration precautions; ondansetron 4 mg IV given")
    navigating(driver, lambda: driver.find_element(By.CSS_SELECTOR, f"#{alert_id} .ack-button").click())
    assert "open" not in driver.find_element(By.ID, alert_id).get_attribute("class").split()
    assert "Vomiting (moderate)" in driver.find_element(By.ID, "side-effect-table").text

    # End of infusion, monitoring, recovery.
    click(driver, "next-state")
    assert state(driver) == "monitoring"
    click(driver, "next-state")
    assert state(driver) == "recovery"
    record_vitals(driver, 128, 80, 76, 98, 14)
    rate(driver, "moaas", 5)
    # Early discharge is refused, naming what is unmet.
    score_discharge(driver)
    driver.execute_script("arguments[0].click()", driver.find_element(By.ID, "d-escort"))
    driver.execute_script("arguments[0].click()", driver.find_element(By.ID, "d-drive"))
    click(driver, "assess-discharge")
    text, field = form_error(driver)
    assert field == "discharge" and "minimum observation" in text, f"{field}: {text}"
    assert state(driver) == "recovery"
    shot("early-discharge-refused")
    sign_out(driver)

    # The prescriber overrides with a reason (racemic minimum is a design default, not a hard rule), discharges and signs.
    sign_in(driver, base, "dr.patel")
    open_page(driver, base, session_url.replace(base, ""))
    score_discharge(driver)
    driver.execute_script("arguments[0].click()", driver.find_element(By.ID, "d-escort"))
    driver.execute_script("arguments[0].click()", driver.find_element(By.ID, "d-drive"))
    type_into(driver, "#d-override", "Fully recovered; escort present; reviewed at bedside")
    click(driver, "assess-discharge")
    assert_no_error(driver, "override discharge")
    assert state(driver) == "ready_for_discharge"
    assert driver.find_element(By.ID, "ready-at").is_displayed()
    click(driver, "discharge-now")
    assert state(driver) == "discharged"
    click(driver, "sign-session")
    assert "Signed and locked by dr.patel" in driver.find_element(By.ID, "signed").text
    assert not driver.find_elements(By.ID, "vitals-form"), "a signed record takes no more entries"
    timeline = driver.find_element(By.ID, "timeline").text
    for entry in ("dose administered", "infusion pause", "side effects: Vomiting", "rescue medication: ondansetron", "prescriber override", "signed and locked"):
        assert entry in timeline, f"timeline lacks {entry!r}"
    shot("signed")

    # The printable record: both charts, one page.
    click(driver, "print-link")
    record = driver.find_element(By.ID, "print-record")
    assert record.find_elements(By.CSS_SELECTOR, "svg.vitals-chart") and record.find_elements(By.CSS_SELECTOR, "svg.pk-chart")
    assert "Signed and locked" in driver.find_element(By.ID, "print-signature").text
    assert "ondansetron 4 mg iv" in driver.find_element(By.ID, "print-rescue").text
    pdf = base64.b64decode(driver.execute_cdp_cmd("Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69})["data"])
    (artifacts_dir / "session-record.pdf").write_bytes(pdf)
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert pages == 1, f"the printed record should fit one page, got {pages}"
    shot("print-view")


# --- intensified monitoring and the clinic's discharge score ------------------------------------------------------------

REPO = Path(__file__).resolve().parents[2]
SIZES = {"desktop": (1366, 768), "phone": (390, 844)}


def _api(base, method, path, token, body=None):
    request = urllib.request.Request(base + path, data=json.dumps(body).encode() if body is not None else None, method=method,
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def _viewport(driver, name):
    width, height = SIZES[name]
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})


def _shoot(driver, artifacts_dir, element_id, stem, check=True):
    """Screenshots of the element at the top of the viewport, at 1366×768 and 390×844; checks nothing in it overflows sideways."""
    for name in SIZES:
        _viewport(driver, name)
        element = driver.find_element(By.ID, element_id)
        driver.execute_script("arguments[0].scrollIntoView({block:'start'})", element)
        overflow = driver.execute_script(
            "const r = arguments[0].getBoundingClientRect(); return [r.right, document.documentElement.clientWidth, "
            "arguments[0].scrollWidth, arguments[0].clientWidth]", element)
        assert not check or (overflow[0] <= overflow[1] + 1 and overflow[2] <= overflow[3] + 1), f"{element_id} overflows at {name}: {overflow}"
        driver.save_screenshot(str(artifacts_dir / f"{stem}-{name}.png"))
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_intensified_monitoring_and_the_modified_padss_form(driver, artifacts_dir):
    folder = Path(tempfile.mkdtemp(prefix="ketacare-monitor-"))
    clinic = "monitor-" + os.urandom(4).hex() if os.environ.get("DATABASE_URL") else None
    where = ["--clinic", clinic] if clinic else ["--database", str(folder / "k.sqlite")]
    try:
        process, base = _serve(folder / "k.sqlite", clinic=clinic)
        try:
            nurse = _post(base, "/api/v1/auth/token", {"username": "nurse.kim", "password": "ketacare-demo"})["token"]
            doctor = _post(base, "/api/v1/auth/token", {"username": "dr.patel", "password": "ketacare-demo"})["token"]
            patient = _api(base, "GET", "/api/v1/patients?q=" + urllib.parse.quote("KC-000002"), nurse)["patients"][0]["id"]
            # DOMAIN.md §3.3, §3.4: an MAOI on the medication list and Child-Pugh B, planned for Spravato.
            intake = json.loads((REPO / "docs/examples/intake-history.json").read_text())
            today = datetime.date.today().isoformat()
            intake.update({
                "plannedRoutes": ["intranasal-esketamine"], "hepatic": "B",
                "medications": [{"name": "Nardil 15 mg", "dose": "15 mg three times daily", "startDate": "2025-01-01"}],
                "baselineVitals": {"systolic": 124, "diastolic": 80, "heartRate": 72, "measuredOn": today},
                "bodyMeasures": {"weightKg": 80, "heightCm": 178, "measuredOn": today},
            })
            _api(base, "POST", f"/api/v1/patients/{patient}/intake", nurse, intake)
            _api(base, "POST", f"/api/v1/patients/{patient}/screening/overrides", doctor,
                 {"ruleID": "interaction.maoi", "reason": "MAOI continued after review; close BP monitoring"})
            session = _api(base, "POST", f"/api/v1/patients/{patient}/sessions", nurse, {"route": "intranasal-esketamine"})
            path = f"/api/v1/sessions/{session['id']}"
            _api(base, "POST", f"{path}/order", doctor, {"dose_mg": 56, "weight_change_confirmed": True})
            _api(base, "POST", f"{path}/order/verify", nurse)
            checks = {name: True for name in ("identity", "consent", "eligibility", "fasting", "escort", "medications_reviewed",
                                              "questionnaires_done")}
            current = _api(base, "GET", path, nurse)
            _api(base, "PUT", f"{path}/checks", nurse, {"version": current["version"], "pregnancy": "not_applicable", **checks})
            _api(base, "POST", f"{path}/vitals", nurse, {"systolic": 124, "diastolic": 80, "heart_rate": 72, "spo2": 98, "respiratory_rate": 14})
            for instrument, score in (("moaas", 5), ("cadss", 0)):
                _api(base, "POST", f"{path}/assessments", nurse, {"instrument": instrument, "score": score})
            for target in ("dosing", "monitoring", "recovery"):
                current = _api(base, "GET", path, nurse)
                _api(base, "POST", f"{path}/transitions", nurse, {"to": target, "version": current["version"]})

            # The nurse sees why and what: the reasons with their sources, the effective BP interval and observation.
            sign_in(driver, base, "nurse.kim")
            open_page(driver, base, f"/sessions/{session['id']}")
            notice = driver.find_element(By.ID, "intensified-monitoring")
            text = notice.text
            assert "Intensified monitoring" in text and "MAOI: Nardil 15 mg" in text and "Moderate hepatic impairment (Child-Pugh B)" in text, text
            assert "BP every 10 min from the start of dosing" in text and "Minimum observation 180 min" in text, text
            assert "§3.4" in text and "§7.1" in text, text
            assert "design default" in text, "the DESIGN DEFAULT numbers are flagged for review"
            # On screen, not only in print: the stylesheet's rules after the print block apply (an unclosed @media print hid them).
            assert driver.execute_script("return getComputedStyle(arguments[0]).borderLeftWidth", notice) == "6px"
            assert "180 min" in driver.find_element(By.ID, "discharge-minimum").text
            _shoot(driver, artifacts_dir, "intensified-monitoring", "intensified-monitoring")

            # An unreachable cutoff is refused: the modified PADSS stops at 8 (DOMAIN.md §7.3).
            shown = _cli("policy", "show", *where, postgres=bool(clinic))
            assert shown.returncode == 0, shown.stderr
            policy = json.loads(shown.stdout)
            discharge = policy["sessions"]["discharge"]
            discharge["instrument"]["value"] = "padss"
            discharge["padss"]["includesIntakeOutput"]["value"] = False
            discharge["modifiedPADSSCutoff"]["value"] = 9
            edited = folder / "policy.json"
            edited.write_text(json.dumps(policy))
            refused = _cli("policy", "set", str(edited), "--reason", "modified PADSS", *where, postgres=bool(clinic))
            assert refused.returncode != 0 and "sessions.discharge.modifiedPADSSCutoff" in refused.stderr, refused.stderr
            discharge["modifiedPADSSCutoff"]["value"] = 7
            edited.write_text(json.dumps(policy))
            stored = _cli("policy", "set", str(edited), "--reason", "modified PADSS", *where, postgres=bool(clinic))
            assert stored.returncode == 0, stored.stderr

            # The discharge form now asks the modified PADSS items; the form's answer is refused only for the 180-min minimum.
            open_page(driver, base, f"/sessions/{session['id']}")
            score = driver.find_element(By.ID, "discharge-score").text
            assert "modified PADSS" in score and "≥7 of 8" in score, score
            for element_id in ("d-activity-mental-status", "d-pain-nausea-vomiting", "d-surgical-bleeding"):
                assert driver.find_element(By.ID, element_id).is_displayed()
            assert not driver.find_elements(By.ID, "d-activity") and not driver.find_elements(By.ID, "d-intake-output")
            _shoot(driver, artifacts_dir, "discharge", "discharge-form-modified-padss")
            score_discharge(driver)
            driver.execute_script("arguments[0].click()", driver.find_element(By.ID, "d-escort"))
            driver.execute_script("arguments[0].click()", driver.find_element(By.ID, "d-drive"))
            click(driver, "assess-discharge")
            text, field = form_error(driver)
            assert field == "discharge" and "minimum observation of 180 min" in text and "Child-Pugh B" in text, f"{field}: {text}"
            assert "PADSS" not in text, f"the PADSS items were taken: {text}"
            assert state(driver) == "recovery"
            _shoot(driver, artifacts_dir, "state", "discharge-refused-extended-observation", check=False)
        finally:
            _stop(process)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
