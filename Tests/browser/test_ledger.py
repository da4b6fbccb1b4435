"""Controlled-substance ledger end to end (issue #6): a nurse receives vials, administers a dose for a demo patient,
wastes the remainder with a witness who re-enters their password (a wrong one is refused), runs an end-of-day blind
count with a deliberate discrepancy; compliance resolves it with an adjustment that a second prescriber approves with
their own password (issue #11: a counter approving is refused) and opens the printable biennial inventory. Then the CLI:
`ketacare ledger verify` passes, and exits 1 after a hand-altered ledger row in SQLite."""

import datetime
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import DEMO_PASSWORD, RUNNING_LINE, SERVER_BIN
from test_platform import navigating, open_page, path_of, sign_in, table_rows, wait_for

PRODUCT = "ketamine-50mg-ml-10ml"


def fill(driver, form, name, value):
    field = driver.find_element(By.CSS_SELECTOR, f"#{form} [name='{name}']")
    if field.tag_name == "select":
        Select(field).select_by_value(value)
    elif field.get_attribute("type") == "date":
        driver.execute_script("arguments[0].value = arguments[1]", field, value)
    else:
        field.clear()
        field.send_keys(value)


def submit(driver, form, fields):
    for name, value in fields.items():
        fill(driver, form, name, value)
    navigating(driver, lambda: driver.find_element(By.CSS_SELECTOR, f"#{form} button[type='submit']").click())


def balance_of(driver, lot_number):
    rows = [row for row in table_rows(driver, "ledger-balances") if lot_number in row[1]] if driver.find_elements(By.ID, "ledger-balances") else []
    return [row[4] for row in rows]


def sign_out(driver):
    navigating(driver, lambda: driver.find_element(By.ID, "sign-out").click())


def test_receive_administer_waste_count_resolve_and_print_inventory(server, driver, shot):
    base = server
    lot_number = "B" + uuid.uuid4().hex[:6].upper()
    lot_id = f"{PRODUCT}/{lot_number}"
    sign_in(driver, base, "nurse.kim")
    open_page(driver, base, "/ledger")
    assert driver.find_element(By.CSS_SELECTOR, "nav a[href='/ledger']")

    # Receive two 10 mL vials, witnessed.
    submit(driver, "receive-form", {
        "productId": PRODUCT, "lotNumber": lot_number, "expiresOn": "2030-12-31", "containers": "2", "locationId": "safe",
        "supplierName": "Acme Pharma", "supplierAddress": "1 Main St, Springfield", "supplierDea": "AB1234563",
        "invoiceReference": "INV-" + lot_number, "witnessUsername": "dr.patel", "witnessPassword": DEMO_PASSWORD,
    })
    assert not driver.find_elements(By.ID, "ledger-error"), driver.find_element(By.ID, "ledger-error").text
    assert balance_of(driver, lot_number) == ["20 mL"]
    shot("received")

    # Administer 2.5 mL from vial 1 to a demo patient (a hand-entered administration names a session only if it is a real one
    # of this patient's: issue #11).
    submit(driver, "administer-form", {
        "lotId": lot_id, "locationId": "safe", "container": "1", "patientId": "KC-000003",
        "given": "2.5", "wasted": "0",
    })
    assert not driver.find_elements(By.ID, "ledger-error"), driver.find_element(By.ID, "ledger-error").text
    assert balance_of(driver, lot_number) == ["17.5 mL"]

    # Waste the remaining 7.5 mL of vial 1: a wrong witness password is refused, the right one recorded.
    waste = {"lotId": lot_id, "locationId": "safe", "container": "1", "quantity": "7.5", "method": "sharps container",
             "witnessUsername": "dr.patel", "witnessPassword": "not-the-password"}
    submit(driver, "waste-form", waste)
    error = wait_for(driver, "#ledger-error")
    assert "password" in error.text
    assert error.get_attribute("data-field") == "witness_password"
    assert balance_of(driver, lot_number) == ["17.5 mL"]
    shot("wrong-witness-password")
    submit(driver, "waste-form", dict(waste, witnessPassword=DEMO_PASSWORD))
    assert not driver.find_elements(By.ID, "ledger-error"), driver.find_element(By.ID, "ledger-error").text
    assert balance_of(driver, lot_number) == ["10 mL"]
    kinds = [row[2] for row in table_rows(driver, "ledger-entries")[:3]]
    assert kinds == ["waste", "administration", "receipt"]

    # End-of-day blind count: both counters find 9 mL where the ledger says 10.
    open_page(driver, base, "/ledger/count")
    assert "10 mL" not in driver.find_element(By.ID, "count-form").text, "a blind count must not show the balance"
    for row in driver.find_elements(By.CSS_SELECTOR, "#count-lines tbody tr"):
        if lot_number in row.text and "Safe" in row.text:
            inputs = row.find_elements(By.CSS_SELECTOR, "input[name^='first'], input[name^='second']")
            for field in inputs:
                field.send_keys("9")
    Select(driver.find_element(By.ID, "count-moment")).select_by_value("close_of_business")
    driver.find_element(By.ID, "count-second").send_keys("dr.patel")
    driver.find_element(By.ID, "count-second-password").send_keys(DEMO_PASSWORD)
    shot("count")
    navigating(driver, lambda: driver.find_element(By.CSS_SELECTOR, "#count-form button[type='submit']").click())
    assert "count=discrepancy" in driver.current_url
    open_discrepancy = wait_for(driver, ".discrepancy.open")
    assert lot_number in open_discrepancy.text
    assert not driver.find_elements(By.CSS_SELECTOR, ".resolve-form"), "a nurse cannot resolve a discrepancy"
    sign_out(driver)

    # A second prescriber, who did not count, approves the adjustment (issue #11). The administrator made the account elsewhere.
    approver = "dr.approver" + uuid.uuid4().hex[:6]
    admin_token = _post(base, "/api/v1/auth/token", {"username": "admin", "password": DEMO_PASSWORD})["token"]
    _post(base, "/api/v1/users", {"username": approver, "role": "prescriber", "password": DEMO_PASSWORD}, admin_token)

    # Compliance resolves it with a witnessed adjustment of −1 mL: dr.patel counted, so their approval is refused.
    sign_in(driver, base, "compliance.ortiz")
    open_page(driver, base, "/ledger")

    def resolve(approver_username):
        target = next(d for d in driver.find_elements(By.CSS_SELECTOR, ".discrepancy.open") if lot_number in d.text)
        form = target.find_element(By.CSS_SELECTOR, ".resolve-form")
        form.find_element(By.NAME, "note").send_keys("Vial 2 found cracked at the count; 1 mL lost. Reported to the pharmacist.")
        quantity = form.find_element(By.NAME, "quantity")
        quantity.clear()
        quantity.send_keys("-1")
        # The lot and location come from the discrepancy line.
        driver.execute_script("arguments[0].value = arguments[1]", form.find_element(By.NAME, "lotId"), lot_id)
        driver.execute_script("arguments[0].value = 'safe'", form.find_element(By.NAME, "locationId"))
        form.find_element(By.NAME, "witnessUsername").send_keys("nurse.kim")
        form.find_element(By.NAME, "witnessPassword").send_keys(DEMO_PASSWORD)
        form.find_element(By.NAME, "approverUsername").send_keys(approver_username)
        form.find_element(By.NAME, "approverPassword").send_keys(DEMO_PASSWORD)
        navigating(driver, lambda: form.find_element(By.CSS_SELECTOR, "button[type='submit']").click())

    discrepancy_id = next(d for d in driver.find_elements(By.CSS_SELECTOR, ".discrepancy.open") if lot_number in d.text).get_attribute("id")
    resolve("dr.patel")
    error = wait_for(driver, "#ledger-error")
    assert error.get_attribute("data-field") == "approver", error.text
    assert "dr.patel counted" in error.text
    assert "OPEN" in driver.find_element(By.ID, discrepancy_id).text
    assert balance_of(driver, lot_number) == ["10 mL"]
    shot("counter-cannot-approve")
    resolve(approver)
    assert not driver.find_elements(By.ID, "ledger-error"), driver.find_element(By.ID, "ledger-error").text
    resolved = driver.find_element(By.ID, discrepancy_id)
    assert "Resolved" in resolved.text and "compliance.ortiz" in resolved.text
    assert balance_of(driver, lot_number) == ["9 mL"]
    compliance_token = _post(base, "/api/v1/auth/token", {"username": "compliance.ortiz", "password": DEMO_PASSWORD})["token"]
    entries = _get(base, "/api/v1/ledger/entries", compliance_token)["entries"]
    adjustment = next(e for e in reversed(entries) if e["kind"] == "adjustment" and e["lotId"] == lot_id)
    assert adjustment["approvedBy"] == approver and adjustment["recordedBy"] == "compliance.ortiz"
    shot("resolved")

    # The printable biennial inventory as of today.
    today = datetime.date.today().isoformat()
    open_page(driver, base, f"/ledger/reports?kind=biennial&as_of={today}")
    assert driver.find_element(By.ID, "report-title").text == "Biennial inventory"
    row = next(r for r in table_rows(driver, "inventory-rows") if r[4] == lot_number)
    assert row[9] == "9 mL"
    assert "biennial" in driver.find_element(By.ID, "report-csv").get_attribute("href")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    assert not driver.find_element(By.CSS_SELECTOR, ".topbar").is_displayed(), "print layout hides the navigation"
    assert driver.find_element(By.ID, "inventory-rows").is_displayed()
    shot("biennial-print")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


# --- command line ------------------------------------------------------------------------------------


def _serve(db_path, clinic=None):
    """Starts `ketacare serve --demo` on a SQLite file (or, with `clinic`, on DATABASE_URL); returns (process, base_url)."""
    out = open(db_path.parent / "stdout.log", "wb")
    args = [str(SERVER_BIN), "serve", "--demo", "--demo-patients", "3", "--port", "0"]
    if clinic:
        args += ["--clinic", clinic]
        env = dict(os.environ)
    else:
        args += ["--database", str(db_path)]
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    process = subprocess.Popen(args, stdout=out, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        first = (db_path.parent / "stdout.log").read_text(errors="replace").split("\n", 1)
        if len(first) == 2:
            match = RUNNING_LINE.search(first[0] + " ")
            if match:
                return process, match.group(1)
        if process.poll() is not None:
            break
        time.sleep(0.2)
    process.kill()
    pytest.fail("ketacare serve did not start")


def _post(base, path, body, token=None):
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def _get(base, path, token):
    request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def _cli(*args, postgres=False):
    env = dict(os.environ) if postgres else {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return subprocess.run([str(SERVER_BIN), *args], capture_output=True, text=True, env=env, timeout=300)


def _record_receipt_and_waste(base):
    token = _post(base, "/api/v1/auth/token", {"username": "nurse.kim", "password": DEMO_PASSWORD})["token"]
    witness = {"username": "dr.patel", "password": DEMO_PASSWORD}
    receipt = _post(base, "/api/v1/ledger/entries", {
        "kind": "receipt", "idempotencyKey": "r1", "productId": PRODUCT, "lotNumber": "CLI1", "expiresOn": "2030-12-31", "containers": 1,
        "locationId": "safe", "supplierName": "Acme", "supplierAddress": "1 Main St", "supplierDea": "AB1234563",
        "invoiceReference": "INV-1", "witness": witness}, token)
    _post(base, "/api/v1/ledger/entries", {
        "kind": "waste", "idempotencyKey": "w1", "lotId": receipt["lotId"], "locationId": "safe", "container": 1, "quantity": 1.5,
        "method": "sharps", "witness": witness}, token)


def _stop(process):
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=20)


@pytest.mark.skipif(not os.environ.get("DATABASE_URL") or not shutil.which("psql"), reason="PostgreSQL run only")
def test_cli_ledger_verify_detects_tampering_on_postgresql():
    folder = Path(tempfile.mkdtemp(prefix="ketacare-ledger-pg-"))
    clinic = "ledger-" + os.urandom(4).hex()
    try:
        process, base = _serve(folder / "unused", clinic=clinic)
        try:
            _record_receipt_and_waste(base)
        finally:
            _stop(process)
        ok = _cli("ledger", "verify", "--clinic", clinic, postgres=True)
        assert ok.returncode == 0, ok.stderr
        subprocess.run(["psql", os.environ["DATABASE_URL"], "-q", "-c",
                        f"update ledger_entries set entry_json = replace(entry_json, 'sharps', 'drain') where clinic_id = '{clinic}' and seq = 2"],
                       check=True)
        broken = _cli("ledger", "verify", "--clinic", clinic, postgres=True)
        assert broken.returncode == 1
        assert "ledger entry 2" in broken.stderr
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_cli_ledger_verify_and_report_then_a_hand_altered_row_fails():
    folder = Path(tempfile.mkdtemp(prefix="ketacare-ledger-cli-"))
    db_path = folder / "k.sqlite"
    try:
        process, base = _serve(db_path)
        try:
            _record_receipt_and_waste(base)
        finally:
            _stop(process)

        ok = _cli("ledger", "verify", "--database", str(db_path))
        assert ok.returncode == 0, ok.stderr
        assert "2 entries verified" in ok.stdout
        report = _cli("ledger", "report", "--kind", "biennial", "--as-of", "2030-01-01", "--csv", "--database", str(db_path))
        assert report.returncode == 0, report.stderr
        lines = report.stdout.splitlines()
        assert lines[0].startswith("inventory,date,taken_at,substance")
        assert any("CLI1" in line and ",8.5," in line for line in lines), lines

        with sqlite3.connect(db_path) as conn:
            conn.execute("""update ledger_entries set entry_json = replace(entry_json, '"method":"sharps"', '"method":"drain"') where seq = 2""")
        broken = _cli("ledger", "verify", "--database", str(db_path))
        assert broken.returncode == 1
        assert "ledger entry 2" in broken.stderr
        assert re.search(r"altered", broken.stderr)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
