"""Issue #10 "Done when": a Spravato session and an IV session at the chair in which every safety gate fires at least once.

The server runs with the hidden `--clock-offset-file`: its clock (and the alert-escalation pass's) is real time plus the
seconds in that file, so the test moves time forward instead of waiting. The browser's `Date.now` is shifted by the same
amount (the run-sheet's countdown ticks in the browser), as a tablet whose clock agrees with the server's would be.

Spravato (KC-000002): the patient answers PHQ-9 with item 9 = 1 through the link the nurse sends; starting the dose is
refused naming the suicide-risk gate, the prescriber documents the risk review on the chart, and dosing starts. The
oximetry reading due 15 min after the first device is shown overdue on the run-sheet. Discharge is refused before the
labelled 120 min, then while CADSS is above its pre-dose value, then while the Spravato monitoring is incomplete (no BP in
the last 15 min); once both are put right the patient is discharged.

IV (KC-000003): a critical blood pressure left unacknowledged for 2 min puts the escalation banner on the run-sheet, the
dashboard and the chart, and the server escalates it (audit event); acknowledging ends it. Discharge is refused while
CADSS is above its pre-dose value. On the chart, the induction plan cannot move to maintenance until the end-of-induction
review is recorded.

Each test reads the server's state through the API too (session state, dosing start, overdue flag, the escalation
event). Screenshots of the refusals and the banner at 1366×768 and 390×844 go to $GATES_SHOTS_DIR (default
<artifacts>/gates).
"""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import ARTIFACTS_DIR, DEMO_PASSWORD, RUNNING_LINE, SERVER_BIN, _wait_for_binary
from test_measurement import answer_all
from test_platform import navigating, open_page, path_of, sign_in, type_into, wait_for, wait_loaded

STARTUP_TIMEOUT = 60.0
SHOTS_DIR = Path(os.environ.get("GATES_SHOTS_DIR") or ARTIFACTS_DIR / "gates")
SPRAVATO_MRN = "KC-000002"
IV_MRN = "KC-000003"
MINUTE = 60.0


# --- the server and its clock ------------------------------------------------------------------


class ServerClock:
    """The server's clock: real time plus the offset in the file `ketacare serve --clock-offset-file` reads on every call.

    The offset only ever grows (records must not be dated before earlier ones), and the file is replaced atomically so
    the server never reads half a number."""

    def __init__(self, path):
        self.path = path
        self.offset = 0.0
        self._write()

    def now(self):
        return time.time() + self.offset

    def travel_to(self, when):
        """Sets the server's time to `when` (seconds since 1970, server time)."""
        offset = when - time.time()
        assert offset >= self.offset - 0.5, f"the clock only moves forward (asked for {offset - self.offset:+.1f} s)"
        self.offset = offset
        self._write()

    def _write(self):
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(f"{self.offset:.3f}\n")
        os.replace(temporary, self.path)


class ClockedServer:
    """`ketacare serve --demo` with the test clock, on a SQLite file of its own or, with DATABASE_URL, a clinic of its own."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="ketacare-gates-"))
        self.clock = ServerClock(self.folder / "clock-offset")
        self.log = ARTIFACTS_DIR / "gates-server.log"
        self.process = None
        self.base_url = None

    def start(self):
        _wait_for_binary(SERVER_BIN)
        ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
        args = [str(SERVER_BIN), "serve", "--demo", "--demo-patients", "4", "--port", "0", "--clock-offset-file", str(self.clock.path)]
        env = dict(os.environ, KETACARE_TIMEZONE="UTC")
        if os.environ.get("DATABASE_URL"):
            args += ["--clinic", "gates-" + uuid.uuid4().hex[:8]]
        else:
            env.pop("DATABASE_URL", None)
            args += ["--database", str(self.folder / "k.sqlite")]
        stdout = self.folder / "stdout.log"
        with open(stdout, "wb") as out, open(self.log, "wb") as err:
            self.process = subprocess.Popen(args, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env, cwd=self.folder)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while self.base_url is None:
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the clocked server did not start:\n{self.log.read_text(errors='replace')[-3000:]}")
            first = stdout.read_text(errors="replace").split("\n", 1)
            if len(first) == 2:
                match = RUNNING_LINE.search(first[0] + " ")
                assert match, f"unexpected first line from the server: {first[0]!r}"
                self.base_url = match.group(1)
            else:
                time.sleep(0.1)
        return self.base_url

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="module")
def clocked():
    server = ClockedServer()
    try:
        server.start()
        yield server
    finally:
        server.stop()


class Api:
    """The JSON API, for reading the server's state and for what a user would do elsewhere; one token per account."""

    def __init__(self, base):
        self.base = base
        self.tokens = {}

    def call(self, method, path, body=None, user="nurse.kim"):
        for attempt in range(2):
            if user not in self.tokens:
                _, answer = self._send("POST", "/api/v1/auth/token", {"username": user, "password": DEMO_PASSWORD}, None)
                self.tokens[user] = answer["token"]
            status, answer = self._send(method, path, body, self.tokens[user])
            if status == 401 and attempt == 0:  # the token idled out while the clock moved on
                del self.tokens[user]
                continue
            return status, answer

    def get(self, path, user="nurse.kim"):
        status, answer = self.call("GET", path, user=user)
        assert status == 200, f"GET {path}: {status} {answer}"
        return answer

    def _send(self, method, path, body, token):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")


def instant(iso):
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def style(driver, element, name):
    """The computed CSS value the user sees, e.g. style(d, e, "background-color") == "rgb(176, 0, 32)"."""
    return driver.execute_script("return getComputedStyle(arguments[0]).getPropertyValue(arguments[1])", element, name)


RED_BANNER = "rgb(176, 0, 32)"  # app.css .escalation-banner
BAD = "rgb(164, 22, 26)"  # app.css --bad: the overdue countdown
CRITICAL_ROW = "rgb(253, 232, 232)"  # app.css: an open stop-dosing alert


# --- the chair -----------------------------------------------------------------------------------


class Chair:
    """One browser at one session: the staff member signed in, the run-sheet, the clock (server and browser together)."""

    def __init__(self, driver, server):
        self.driver = driver
        self.base = server.base_url
        self.clock = server.clock
        self.api = Api(self.base)
        self.session_path = None
        self._clock_script = None
        self._sync_browser_clock()

    # Time

    def travel_to(self, when):
        self.clock.travel_to(when)
        self._sync_browser_clock()

    def _sync_browser_clock(self):
        """Every page opened from now on sees `Date.now()` shifted like the server's clock."""
        if self._clock_script is not None:
            self.driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": self._clock_script})
        shift = int(self.clock.offset * 1000)
        source = f"(() => {{ const realNow = Date.now.bind(Date); Date.now = () => realNow() + {shift}; }})();"
        self._clock_script = self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": source})["identifier"]

    # Who

    def sign_in(self, username):
        self.driver.delete_all_cookies()
        sign_in(self.driver, self.base, username)

    # Where

    def open(self, path):
        open_page(self.driver, self.base, path)

    def chart(self, mrn):
        self.open(f"/patients?q={mrn}")
        navigating(self.driver, self.driver.find_element(By.CSS_SELECTOR, "#results a").click)
        return path_of(self.driver)

    def run_sheet(self):
        self.open(self.session_path)

    def session(self):
        """The session as the server holds it (API)."""
        return self.api.get("/api/v1" + self.session_path)

    # What the page shows

    def state(self):
        return self.driver.find_element(By.ID, "session-state").get_attribute("data-state")

    def refusal(self):
        errors = self.driver.find_elements(By.ID, "form-error")
        return (errors[0].text, errors[0].get_attribute("data-field")) if errors else (None, None)

    def assert_no_refusal(self, step):
        text, field = self.refusal()
        assert text is None, f"{step}: unexpected refusal ({field}): {text}"

    # Doing

    def click(self, element_id):
        element = self.driver.find_element(By.ID, element_id)
        self.driver.execute_script("arguments[0].scrollIntoView({block:'center'})", element)
        navigating(self.driver, element.click)

    def tick(self, css):
        box = self.driver.find_element(By.CSS_SELECTOR, css)
        if not box.is_selected():
            self.driver.execute_script("arguments[0].click()", box)

    def vitals(self, systolic=122, diastolic=78, heart_rate=72, spo2=98, rr=14):
        for name, value in (("v-sys", systolic), ("v-dia", diastolic), ("v-hr", heart_rate), ("v-spo2", spo2), ("v-rr", rr)):
            type_into(self.driver, f"#{name}", str(value))
        self.click("record-vitals")
        self.assert_no_refusal(f"vitals {systolic}/{diastolic}")

    def rate(self, instrument, score):
        Select(self.driver.find_element(By.ID, "a-inst")).select_by_value(instrument)
        type_into(self.driver, "#a-score", str(score))
        self.click("record-assessment")
        self.assert_no_refusal(f"{instrument} {score}")

    def next_state(self, expected):
        self.click("next-state")
        self.assert_no_refusal(f"move to {expected}")
        assert self.state() == expected

    def assess_discharge(self):
        # The score items start empty (never a passing pre-fill): the nurse rates each at the chair.
        for element in self.driver.find_elements(By.CSS_SELECTOR, "#discharge-form select"):
            assert element.get_attribute("value") == "", element.get_attribute("id")
            Select(element).select_by_value("2")
        self.tick("#d-escort")
        self.tick("#d-drive")
        self.click("assess-discharge")
        return self.refusal()

    def check_in(self, mrn, route):
        chart = self.chart(mrn)
        Select(self.driver.find_element(By.ID, "s-route")).select_by_value(route)
        self.click("check-in")
        self.session_path = path_of(self.driver)
        assert self.session_path.startswith("/sessions/"), self.driver.current_url
        assert self.state() == "checked_in"
        return chart

    def reweigh(self, chart):
        """A weight taken today (the same as the last one), so a mg/kg order has a fresh weight."""
        self.open(chart)
        rows = self.driver.find_elements(By.CSS_SELECTOR, "#measurements tbody tr")
        latest = next(row.find_elements(By.TAG_NAME, "td")[2].text.split()[0] for row in rows if "weight" in row.text)
        Select(self.driver.find_element(By.ID, "m-kind")).select_by_value("weight")
        type_into(self.driver, "#m-value", latest)
        navigating(self.driver, lambda: self.driver.find_element(By.CSS_SELECTOR, "#measurements form button").click())

    def confirm_checks_and_baseline(self):
        """The nurse's pre-dose work: the double check, every check at the chair, the pre-dose vitals, MOAA/S 5 and CADSS 0."""
        self.click("verify-order")
        assert "verified by" in self.driver.find_element(By.ID, "order-verified").text
        for name in ("identity", "consent", "eligibility", "fasting", "escort", "medications_reviewed", "questionnaires_done"):
            self.tick(f"#checks-form input[name='{name}']")
        Select(self.driver.find_element(By.ID, "c-preg")).select_by_value("not_applicable")
        self.click("save-checks")
        self.assert_no_refusal("checks")
        assert self.state() == "pre_dose_checks"
        self.vitals(120, 78, 72, 98, 14)
        self.rate("moaas", 5)
        self.rate("cadss", 0)

    def unmet_pre_dose(self):
        return [item.get_attribute("data-item") for item in self.driver.find_elements(By.CSS_SELECTOR, "#pre-dose-unmet li")]

    def shots(self, name):
        """The page as it is now at 1366×768 and at 390×844 (a phone), scrolled to the top, where refusals and the banner are.

        Beside each picture, how wide the page lays out (wider than the screen means sideways scrolling on a phone)."""
        SHOTS_DIR.mkdir(parents=True, exist_ok=True)
        for width, height in ((1366, 768), (390, 844)):
            self.driver.execute_cdp_cmd(
                "Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500})
            self.driver.execute_script("window.scrollTo(0, 0)")
            stem = SHOTS_DIR / f"{name}-{width}x{height}"
            self.driver.save_screenshot(str(stem.with_suffix(".png")))
            layout = self.driver.execute_script(
                "return {viewport: window.innerWidth, page: document.documentElement.scrollWidth, scale: window.visualViewport.scale}")
            stem.with_suffix(".json").write_text(json.dumps(layout) + "\n")
            self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


# --- tests ---------------------------------------------------------------------------------------


def test_clock_option_is_hidden_and_announced(clocked):
    """The test clock cannot be found in --help, and a server running with it says so loudly at start-up."""
    for option in ("--help", "--help-hidden"):
        help_text = subprocess.run([str(SERVER_BIN), "serve", option], capture_output=True, text=True, timeout=60).stdout
        assert "--port" in help_text and "clock" not in help_text.lower(), help_text
    log = clocked.log.read_text(errors="replace")
    assert "TEST CLOCK" in log and str(clocked.clock.path) in log, log[-2000:]


def test_spravato_session_through_every_gate(clocked, driver):
    chair = Chair(driver, clocked)

    # The nurse checks the patient in for Spravato and sends the PHQ-9 link; the patient answers item 9 with 1.
    chair.sign_in("nurse.kim")
    chart = chair.check_in(SPRAVATO_MRN, "intranasal-esketamine")
    chair.open(chart)
    driver.find_element(By.CSS_SELECTOR, "#send-link-form input[value='phq9']").click()
    navigating(driver, lambda: driver.find_element(By.ID, "create-link").click())
    link = wait_for(driver, "#link-url").get_attribute("value")
    driver.delete_all_cookies()  # the patient's phone: no staff session
    driver.get(link)
    wait_loaded(driver)
    assert answer_all(driver, [0, 0, 0, 0, 0, 0, 0, 0, 1, 0]) >= 9
    navigating(driver, lambda: driver.find_element(By.ID, "submit-questionnaire").click())
    assert driver.find_element(By.ID, "thanks").is_displayed()

    # The prescriber orders the labelled 56 mg (two devices).
    chair.sign_in("dr.patel")
    chair.run_sheet()
    for field in ("#o-dose", "#o-conc", "#o-min"):
        driver.find_element(By.CSS_SELECTOR, field).clear()
    type_into(driver, "#o-dose-mg", "56")
    chair.click("place-order")
    chair.assert_no_refusal("Spravato order")
    assert "56" in driver.find_element(By.ID, "order-dose").text

    # Gate: dosing is refused while the item-9 alert is open (DOMAIN.md §1.2 step 4), whatever is ticked.
    chair.sign_in("nurse.kim")
    chair.run_sheet()
    chair.confirm_checks_and_baseline()
    assert chair.unmet_pre_dose() == ["suicide_risk"], driver.find_element(By.ID, "checks").text
    chair.click("next-state")
    text, field = chair.refusal()
    assert field == "checks" and "suicide_risk" in text and "risk review" in text, f"{field}: {text}"
    assert chair.state() == "pre_dose_checks"
    chair.shots("spravato-dosing-refused-item9")
    session = chair.session()
    assert session["state"] == "pre_dose_checks" and "dosing_start" not in session

    # The prescriber documents the risk review on the chart (acknowledges the alert with the action taken) ...
    chair.sign_in("dr.patel")
    chair.open(chart)
    alert = next(a for a in driver.find_elements(By.CSS_SELECTOR, "#assessments .alert.safety") if "blocks dosing" in a.text)
    alert.find_element(By.CSS_SELECTOR, ".ack-note").send_keys("Risk review: passive ideation, no plan or intent; safety plan updated; proceed")
    navigating(driver, lambda: alert.find_element(By.CSS_SELECTOR, "button[type='submit']").click())
    assert "blocks dosing" not in driver.find_element(By.ID, "assessments").text

    # ... and the nurse starts dosing: allowed now.
    chair.sign_in("nurse.kim")
    chair.run_sheet()
    assert chair.unmet_pre_dose() == []
    chair.next_state("dosing")
    start = instant(chair.session()["dosing_start"])
    chair.next_state("monitoring")  # both devices given
    chair.next_state("recovery")

    # Gate: the pulse-oximetry reading due 15 min after the first device is overdue at 15.5 min (DOMAIN.md §6.2).
    chair.travel_to(start + 15.5 * MINUTE)
    chair.run_sheet()
    countdown = wait_for(driver, "#vitals-countdown")
    assert "overdue" in countdown.get_attribute("class").split() and "OVERDUE" in countdown.text, countdown.text
    assert style(driver, countdown, "color") == BAD
    assert chair.session()["next_vitals_due"]["is_overdue"] is True
    chair.shots("spravato-oximetry-overdue")
    chair.vitals()
    countdown = wait_for(driver, "#vitals-countdown")
    assert "overdue" not in countdown.get_attribute("class").split() and "due in" in countdown.text, countdown.text
    assert style(driver, countdown, "color") != BAD
    assert chair.session()["next_vitals_due"]["is_overdue"] is False

    # Oximetry (with BP) at least every 15 min; BP, CADSS and MOAA/S at about 40 min (§6.2, §6.4): dissociation at 40 min.
    chair.travel_to(start + 30 * MINUTE)
    chair.vitals()
    chair.travel_to(start + 40 * MINUTE)
    chair.vitals()
    chair.rate("cadss", 14)
    chair.rate("moaas", 4)
    chair.travel_to(start + 55 * MINUTE)
    chair.vitals()
    # Gate: the labelled 2-hour observation (DOMAIN.md §7.1, hard).
    text, field = chair.assess_discharge()
    assert field == "discharge" and "minimum observation of 120 min not reached" in text, f"{field}: {text}"
    for minute in (70, 85, 100):
        chair.travel_to(start + minute * MINUTE)
        chair.vitals()
    chair.rate("moaas", 5)
    chair.travel_to(start + 114 * MINUTE)
    chair.vitals()
    chair.rate("moaas", 5)
    chair.rate("cadss", 6)

    # Gate: past 120 min with the monitoring complete, discharge still waits while CADSS is above its pre-dose 0 (§7.1).
    chair.travel_to(start + 121 * MINUTE)
    chair.run_sheet()
    text, field = chair.assess_discharge()
    assert field == "discharge" and "CADSS is 6, above the pre-dose 0" in text, f"{field}: {text}"
    assert "minimum observation" not in text and "monitoring missing" not in text, text
    assert chair.state() == "recovery"
    chair.shots("spravato-discharge-refused-cadss")
    chair.rate("cadss", 0)
    chair.rate("moaas", 5)

    # Gate: the Spravato monitoring is incomplete — the last BP is 15½ min old at the assessment (§6.2 "before discharge").
    last_vitals = instant(chair.session()["vitals"][-1]["at"])
    chair.travel_to(last_vitals + 15.5 * MINUTE)
    chair.run_sheet()
    text, field = chair.assess_discharge()
    assert field == "discharge" and "monitoring missing: BP in the last 15 min before discharge (§6.2)" in text, f"{field}: {text}"
    assert "CADSS" not in text and "oximetry" not in text, text
    assert chair.state() == "recovery"
    chair.shots("spravato-discharge-refused-monitoring")

    # Put right, the patient is discharged.
    chair.vitals()
    text, field = chair.assess_discharge()
    assert text is None, f"discharge: {field}: {text}"
    assert chair.state() == "ready_for_discharge"
    chair.click("discharge-now")
    assert chair.state() == "discharged"
    assert chair.session()["state"] == "discharged"


def test_iv_session_escalation_discharge_and_induction_review(clocked, driver):
    chair = Chair(driver, clocked)

    # Check-in from the chart with a fresh weight; the prescriber orders 0.5 mg/kg over 40 min.
    chair.sign_in("nurse.kim")
    chart = chair.check_in(IV_MRN, "iv")
    chair.reweigh(chart)
    chair.sign_in("dr.patel")
    chair.run_sheet()
    type_into(driver, "#o-dose", "0.5")
    chair.click("place-order")
    chair.assert_no_refusal("IV order")
    chair.sign_in("nurse.kim")
    chair.run_sheet()
    chair.confirm_checks_and_baseline()
    chair.next_state("dosing")

    # Gate: a critical blood pressure (stop dosing, DOMAIN.md §6.5) left unacknowledged escalates after 2 min.
    chair.vitals(185, 104, 90, 97, 14)
    alert = driver.find_element(By.CSS_SELECTOR, ".alert-row.open.level-stop_dosing")
    assert style(driver, alert, "background-color") == CRITICAL_ROW
    alert_id = alert.get_attribute("id").removeprefix("alert-")
    raised = instant(next(a for a in chair.session()["alerts"] if a["id"] == alert_id)["raised_at"])
    assert not driver.find_elements(By.ID, "escalation-banner"), "no banner before 2 min"
    chair.travel_to(raised + 1.5 * MINUTE)
    chair.run_sheet()
    assert not driver.find_elements(By.ID, "escalation-banner"), "no banner at 1½ min"
    chair.travel_to(raised + 2.5 * MINUTE)
    chair.run_sheet()
    banner = wait_for(driver, "#escalation-banner")
    assert "Critical alert not acknowledged for 2 min" in banner.text and "systolic" in banner.text.lower(), banner.text
    assert style(driver, banner, "background-color") == RED_BANNER and style(driver, banner, "color") == "rgb(255, 255, 255)"
    assert banner.find_element(By.TAG_NAME, "a").get_attribute("href").endswith(chair.session_path + "#alerts")
    chair.shots("iv-escalation-banner")
    chair.open("/dashboard")
    assert "Critical alert not acknowledged" in wait_for(driver, "#escalation-banner").text

    # Gate: on the chart, the induction plan cannot move to maintenance before the end-of-induction review (§5.1).
    # (The prescriber sees the banner there too.)
    chair.sign_in("dr.patel")
    chair.open(chart)
    assert "Critical alert not acknowledged" in wait_for(driver, "#escalation-banner").text
    Select(driver.find_element(By.ID, "pl-template")).select_by_value("iv-racemic-induction")
    today = datetime.fromtimestamp(clocked.clock.now(), timezone.utc).date().isoformat()
    driver.execute_script("arguments[0].value = arguments[1]", driver.find_element(By.ID, "pl-start"), today)
    navigating(driver, lambda: driver.find_element(By.CSS_SELECTOR, "#plan-form button[type='submit']").click())
    plan = driver.find_elements(By.CSS_SELECTOR, "#plan .plan")[-1]
    plan_id = plan.get_attribute("id")

    def move_plan(phase):
        form = driver.find_element(By.ID, plan_id).find_element(By.CSS_SELECTOR, "form[action$='/phase']")
        Select(form.find_element(By.NAME, "phase")).select_by_value(phase)
        navigating(driver, lambda: form.find_element(By.CSS_SELECTOR, "button.move-phase").click())

    navigating(driver, lambda: driver.find_element(By.ID, plan_id).find_element(By.CSS_SELECTOR, "button.sign-plan").click())
    move_plan("induction")
    assert driver.find_element(By.ID, plan_id).find_element(By.CLASS_NAME, "plan-phase").text == "induction"
    move_plan("maintenance")
    refusal = wait_for(driver, "p[role='alert']").text
    assert "end-of-induction review" in refusal and "before maintenance" in refusal, refusal
    patient_id = chart.rstrip("/").split("/")[-1]
    plans = chair.api.get(f"/api/v1/patients/{patient_id}/plans", user="dr.patel")["plans"]
    assert next(p for p in plans if plan_id.endswith(p["id"]))["phase"] == "induction"
    chair.open(chart)
    review = driver.find_element(By.ID, plan_id).find_element(By.CSS_SELECTOR, "form.induction-review")
    assert "required before maintenance" in review.text
    Select(review.find_element(By.NAME, "decision")).select_by_value("continue")
    review.find_element(By.NAME, "reason").send_keys("GAD-7 collected on paper during induction; clinically improved; continue")
    navigating(driver, lambda: review.find_element(By.CSS_SELECTOR, "button[type='submit']").click())
    assert "maintenance may start" in driver.find_element(By.ID, plan_id).text
    move_plan("maintenance")
    assert driver.find_element(By.ID, plan_id).find_element(By.CLASS_NAME, "plan-phase").text == "maintenance"

    # The server escalated the alert once (the background pass runs every 15 s on the same clock): an audit event.
    deadline = time.monotonic() + 25
    while True:
        events = chair.api.get("/api/v1/audit?action=session.alert.escalate&limit=50", user="compliance.ortiz")["events"]
        mine = [e for e in events if e["resourceId"] == alert_id]
        if mine or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert len(mine) == 1, events

    # Acknowledged with the action taken at the chair, the banner goes; the infusion is stopped.
    chair.run_sheet()
    type_into(driver, f"#ack-form-{alert_id} input[name='action_taken']", "Infusion stopped; prescriber at bedside; BP rechecked")
    navigating(driver, lambda: driver.find_element(By.CSS_SELECTOR, f"#ack-form-{alert_id} .ack-button").click())
    assert not driver.find_elements(By.ID, "escalation-banner")
    chair.next_state("monitoring")
    end = instant(chair.session()["dosing_end"])
    chair.next_state("recovery")
    chair.sign_in("nurse.kim")
    chair.run_sheet()
    chair.vitals()
    chair.rate("cadss", 12)
    chair.rate("moaas", 4)

    # Gate: past the 60-min observation with the monitoring complete, discharge waits while CADSS is above pre-dose (§7.1).
    chair.travel_to(end + 29 * MINUTE)
    chair.run_sheet()
    chair.vitals()
    chair.travel_to(end + 58 * MINUTE)
    chair.run_sheet()
    chair.vitals()
    chair.travel_to(end + 61 * MINUTE)
    chair.run_sheet()
    chair.vitals()
    chair.rate("moaas", 5)
    chair.rate("moaas", 5)
    chair.rate("cadss", 12)
    text, field = chair.assess_discharge()
    assert field == "discharge" and "CADSS is 12, above the pre-dose 0" in text, f"{field}: {text}"
    assert "minimum observation" not in text and "monitoring missing" not in text, text
    assert chair.state() == "recovery"
    chair.shots("iv-discharge-refused-cadss")
    chair.rate("cadss", 0)
    text, field = chair.assess_discharge()
    assert text is None, f"discharge: {field}: {text}"
    chair.click("discharge-now")
    assert chair.state() == "discharged"
    assert chair.session()["state"] == "discharged"
