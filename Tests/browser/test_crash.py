"""Durable means durable (issue #11): acknowledged writes survive `kill -9` of a real `ketacare serve`.

Each test starts its own server (the shared session server is never killed): on a temporary SQLite file, or, when
DATABASE_URL is set, on that PostgreSQL database in a clinic of its own (nothing is dropped; data is only added). API
tokens are signed in for every role, then 8 threads on 8 keep-alive connections drive writes of several kinds for
LOAD_SECONDS: patient registrations, demographic amendments, weights, questionnaire responses, diagnoses, controlled-
substance receipts (compliance, witnessed) and staff accounts (admin). Every write answered 2xx is remembered. The
server is killed with SIGKILL while the threads are still writing, restarted on the same database, and every
acknowledged write is read back through the API; then `ketacare audit verify` and `ketacare ledger verify` must pass.

Also here: the systemd units in deploy/ parse (`systemd-analyze verify`, skipped where systemd-analyze is missing).
"""

import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import ARTIFACTS_DIR, DEMO_PASSWORD, REPO_ROOT, RUNNING_LINE, SERVER_BIN, _wait_for_binary

THREADS = 8
LOAD_SECONDS = float(os.environ.get("KETACARE_CRASH_LOAD_SECONDS", "12"))
REQUEST_TIMEOUT = 15.0
STARTUP_TIMEOUT = 60.0
PRODUCT = "ketamine-50mg-ml-10ml"
USER_PASSWORD = "crash-test-password"
DIAGNOSES = ["F41.1", "F40.10", "F40.11", "F43.10", "F43.12", "F41.0", "F32.1", "F33.1", "F42.2", "F41.9"]
# A witnessed ledger entry checks the witness's password (bcrypt, about 0.3 s) and, on SQLite, holds the single writer
# while it does: every other write waits. The compliance writer paces itself so the others still get through.
RECEIPT_PAUSE = 0.5


class Server:
    """One `ketacare serve` process on a given database; started and stopped (or killed) by the test."""

    def __init__(self, folder, clinic):
        self.folder = folder
        self.clinic = clinic
        self.postgres = bool(os.environ.get("DATABASE_URL"))
        self.process = None
        self.base_url = None
        self.starts = 0

    @property
    def db_args(self):
        args = ["--clinic", self.clinic]
        if not self.postgres:
            args += ["--database", str(self.folder / "k.sqlite")]
        return args

    @property
    def env(self):
        env = dict(os.environ)
        if not self.postgres:
            env.pop("DATABASE_URL", None)
        env["KETACARE_OUTBOX"] = "off"
        return env

    def log(self, name):
        return self.folder / f"{name}-{self.starts}.log"

    def start(self):
        self.starts += 1
        args = [str(SERVER_BIN), "serve", "--demo", "--demo-patients", "3", "--port", "0", *self.db_args]
        with open(self.log("stdout"), "wb") as out, open(self.log("stderr"), "wb") as err:
            self.process = subprocess.Popen(args, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=self.env, cwd=self.folder)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        self.base_url = None
        while self.base_url is None:
            if self.process.poll() is not None:
                pytest.fail(f"server exited with {self.process.returncode} before it was running:\n{self.tail()}")
            if time.monotonic() > deadline:
                pytest.fail(f"server did not start in {STARTUP_TIMEOUT:.0f} s:\n{self.tail()}")
            first = self.log("stdout").read_text(errors="replace").split("\n", 1)
            if len(first) == 2:
                match = RUNNING_LINE.search(first[0] + " ")
                assert match, f"unexpected first line from the server: {first[0]!r}"
                self.base_url = match.group(1)
            else:
                time.sleep(0.1)
        while True:
            try:
                status, _ = Client(self.base_url).call("GET", "/health")
                if status == 200:
                    return self.base_url
            except (OSError, http.client.HTTPException):
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"GET /health was not 200:\n{self.tail()}")
            time.sleep(0.2)

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def tail(self, lines=30):
        try:
            return "\n".join(self.log("stderr").read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def cli(self, *args):
        return subprocess.run([str(SERVER_BIN), *args, *self.db_args], capture_output=True, text=True, env=self.env, timeout=120)


class Client:
    """A keep-alive HTTP/1.1 connection speaking JSON; connection failures raise OSError or HTTPException."""

    def __init__(self, base_url, token=None):
        parts = urllib.parse.urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.token = token
        self.connection = None

    def call(self, method, path, body=None):
        if self.connection is None:
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=REQUEST_TIMEOUT)
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            self.connection.request(method, path, body=payload, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
        except Exception:
            self.close()
            raise
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        try:
            return response.status, json.loads(data) if data else None
        except ValueError:
            return response.status, data.decode(errors="replace")

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


class Load:
    """The writers: what each acknowledged, what was refused, and how many requests the kill caught in flight."""

    def __init__(self, base_url, tokens, tag):
        self.base_url = base_url
        self.tokens = tokens
        self.tag = tag
        self.stop = threading.Event()
        self.killed = threading.Event()
        self.lock = threading.Lock()
        self.acknowledged = []  # dicts with "kind" and what identifies the write
        self.refused = []  # (kind, status, body): a 4xx/5xx before the kill
        self.failures = []  # connection failures before the kill
        self.in_flight = Counter()  # kind -> requests cut off by the kill
        self.kill_time = None

    def ack(self, kind, **fields):
        with self.lock:
            self.acknowledged.append({"kind": kind, **fields})

    def worker(self, index, username, kinds):
        client = Client(self.base_url, self.tokens[username])
        rng = random.Random(index)
        patients = []  # this thread's patients: the only ones it amends, so amendments never conflict
        n = 0
        while not self.stop.is_set():
            n += 1
            kind = kinds[n % len(kinds)] if patients or "patient" not in kinds else "patient"
            sent = time.monotonic()
            try:
                status, body = getattr(self, "write_" + kind)(client, index, n, rng, patients)
            except (OSError, http.client.HTTPException) as error:
                with self.lock:
                    if self.killed.is_set():
                        if self.kill_time is None or sent < self.kill_time:
                            self.in_flight[kind] += 1
                    else:
                        self.failures.append(f"thread {index} {kind}: {error!r}")
                return
            if not 200 <= status < 300:
                with self.lock:
                    if not self.killed.is_set():
                        self.refused.append((kind, status, body))
                if status >= 500:
                    return

    # --- one write of each kind: returns (status, body) and records the write when it is acknowledged -----------

    def write_patient(self, client, index, n, rng, patients):
        mrn = f"CR{self.tag}-{index}-{n}"
        status, body = client.call("POST", "/api/v1/patients", {
            "mrn": mrn, "legalGivenName": "Durable", "legalFamilyName": f"Crashtest {index} {n}", "dateOfBirth": "1984-03-0" + str(1 + n % 9),
            "sexAtBirth": rng.choice(["female", "male"])})
        if status == 201:
            patients.append({"id": body["id"], "version": body["version"], "weights": 0})
            self.ack("patient", patient=body["id"], mrn=mrn)
        return status, body

    def write_amendment(self, client, index, n, rng, patients):
        patient = rng.choice(patients)
        address = f"{n} Durable Street, thread {index}"
        status, body = client.call("PATCH", f"/api/v1/patients/{patient['id']}", {
            "version": patient["version"], "reason": "crash test amendment", "address": address})
        if status == 200:
            patient["version"] = body["patient"]["version"]
            self.ack("amendment", patient=patient["id"], field="address", value=address, version=patient["version"])
        return status, body

    def write_measurement(self, client, index, n, rng, patients):
        patient = rng.choice(patients)
        patient["weights"] += 1
        value = round(40 + patient["weights"] * 0.1, 1)  # distinct for each of this patient's weights
        status, body = client.call("POST", f"/api/v1/patients/{patient['id']}/measurements", {"kind": "weight", "value": value})
        if status == 201:
            self.ack("measurement", patient=patient["id"], value=value, measuredOn=body["measuredOn"])
        return status, body

    def write_response(self, client, index, n, rng, patients):
        patient = rng.choice(patients)
        answers = [rng.randint(0, 3) for _ in range(7)]
        status, body = client.call("POST", f"/api/v1/patients/{patient['id']}/responses",
                                   {"instrument": "gad7", "answers": answers, "mode": "paper", "context": "follow-up"})
        if status == 201:
            self.ack("response", patient=patient["id"], response=body["response"]["id"], answers=answers)
        return status, body

    def write_diagnosis(self, client, index, n, rng, patients):
        patient = rng.choice(patients)
        unused = [code for code in DIAGNOSES if code not in patient.setdefault("codes", set())]
        if not unused:  # a code can be on a patient's list only once
            return self.write_measurement(client, index, n, rng, patients)
        code = rng.choice(unused)
        status, body = client.call("POST", f"/api/v1/patients/{patient['id']}/diagnoses", {"code": code})
        if status == 201:
            patient["codes"].add(code)
            self.ack("diagnosis", patient=patient["id"], diagnosis=body["id"], code=code)
        return status, body

    def write_receipt(self, client, index, n, rng, patients):
        lot = f"CR{self.tag}{index}N{n}"
        status, body = client.call("POST", "/api/v1/ledger/entries", {
            "kind": "receipt", "idempotencyKey": f"crash-{self.tag}-{index}-{n}", "productId": PRODUCT, "lotNumber": lot,
            "expiresOn": "2030-12-31", "containers": 1, "locationId": "safe", "supplierName": "Crash Test Supply", "supplierAddress": "1 Main St",
            "supplierDea": "AB1234563", "invoiceReference": "INV-" + lot, "witness": {"username": "nurse.kim", "password": DEMO_PASSWORD}})
        if status == 201:
            self.ack("receipt", sequence=body["sequence"], hash=body["hash"], lot=body.get("lotId"))
        self.stop.wait(RECEIPT_PAUSE)
        return status, body

    def write_user(self, client, index, n, rng, patients):
        username = f"crash.{self.tag.lower()}.{index}.{n}"
        status, body = client.call("POST", "/api/v1/users", {"username": username, "role": "nurse", "password": USER_PASSWORD})
        if status == 201:
            self.ack("user", username=username)
        return status, body


# Who writes what: every role that can write, each thread on its own connection.
WRITERS = [
    ("frontdesk.lee", ["amendment", "measurement", "patient"]),
    ("frontdesk.lee", ["amendment", "measurement", "patient"]),
    ("nurse.kim", ["response", "measurement", "amendment", "patient"]),
    ("nurse.kim", ["response", "amendment", "measurement", "patient"]),
    ("dr.patel", ["response", "diagnosis", "amendment", "patient"]),
    ("dr.patel", ["response", "diagnosis", "measurement", "amendment", "patient"]),
    ("compliance.ortiz", ["receipt"]),
    ("admin", ["user"]),
]
assert len(WRITERS) == THREADS


def sign_in(base_url, username):
    status, body = Client(base_url).call("POST", "/api/v1/auth/token", {"username": username, "password": DEMO_PASSWORD})
    assert status == 200, (username, status, body)
    return body["token"]


def missing_writes(base_url, tokens, acknowledged):
    """Reads every acknowledged write back through the API; returns those that are not there (with why)."""
    lost = []
    by_patient = {}
    for write in acknowledged:
        if "patient" in write:
            by_patient.setdefault(write["patient"], []).append(write)

    def check_patient(patient_id):
        client = Client(base_url, tokens["dr.patel"])
        writes = by_patient[patient_id]
        kinds = {write["kind"] for write in writes}
        found = []

        def get(path, key):
            status, body = client.call("GET", path)
            if status != 200:
                found.extend((write, f"GET {path} answered {status}: {body}") for write in writes)
                return None
            return body[key] if key else body

        patient = get(f"/api/v1/patients/{patient_id}", None)
        if patient is None:
            return found
        amendments = get(f"/api/v1/patients/{patient_id}/amendments", "amendments") if "amendment" in kinds else []
        measurements = get(f"/api/v1/patients/{patient_id}/measurements", "measurements") if "measurement" in kinds else []
        responses = get(f"/api/v1/patients/{patient_id}/responses", "responses") if "response" in kinds else []
        diagnoses = get(f"/api/v1/patients/{patient_id}/diagnoses", "diagnoses") if "diagnosis" in kinds else []
        if None in (amendments, measurements, responses, diagnoses):
            return found
        for write in writes:
            kind = write["kind"]
            if kind == "patient":
                present = patient["mrn"] == write["mrn"]
            elif kind == "amendment":
                present = any(a["field"] == write["field"] and a.get("newValue") == write["value"] and a["version"] == write["version"]
                              for a in amendments)
            elif kind == "measurement":
                present = any(m["kind"] == "weight" and abs(m["value"] - write["value"]) < 0.05 and m["measuredOn"] == write["measuredOn"]
                              for m in measurements)
            elif kind == "response":
                # GAD-7 carries an eighth, unscored item (difficulty), stored as missing when not given.
                present = any(r["id"] == write["response"] and r["answers"][:len(write["answers"])] == write["answers"] for r in responses)
            elif kind == "diagnosis":
                present = any(d["id"] == write["diagnosis"] and d["code"] == write["code"] for d in diagnoses)
            else:
                raise AssertionError(kind)
            if not present:
                found.append((write, "not found after the restart"))
        client.close()
        return found

    with ThreadPoolExecutor(max_workers=4) as pool:
        for result in pool.map(check_patient, list(by_patient)):
            lost.extend(result)

    receipts = [write for write in acknowledged if write["kind"] == "receipt"]
    if receipts:
        status, body = Client(base_url, tokens["compliance.ortiz"]).call("GET", "/api/v1/ledger/entries")
        assert status == 200, body
        entries = {(entry["sequence"], entry["hash"]) for entry in body["entries"]}
        lost.extend((write, "ledger entry not found after the restart") for write in receipts if (write["sequence"], write["hash"]) not in entries)
    users = [write for write in acknowledged if write["kind"] == "user"]
    if users:
        status, body = Client(base_url, tokens["admin"]).call("GET", "/api/v1/users")
        assert status == 200, body
        names = {user["username"] for user in body["users"]}
        lost.extend((write, "account not found after the restart") for write in users if write["username"] not in names)
    return lost


def after_kill(server):
    """Runs between the kill and the restart (a hook for checking that this test notices lost writes)."""


def test_acknowledged_writes_survive_kill_9(capsys):
    _wait_for_binary(SERVER_BIN)
    engine = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    tag = uuid.uuid4().hex[:5].upper()
    folder = Path(tempfile.mkdtemp(prefix="ketacare-crash-"))
    server = Server(folder, clinic=f"crash-{tag.lower()}")
    started = time.monotonic()
    try:
        base_url = server.start()
        tokens = {username: sign_in(base_url, username) for username in {writer[0] for writer in WRITERS}}
        load = Load(base_url, tokens, tag)
        threads = [threading.Thread(target=load.worker, args=(index, username, kinds), daemon=True)
                   for index, (username, kinds) in enumerate(WRITERS)]
        load_started = time.monotonic()
        for thread in threads:
            thread.start()
        time.sleep(LOAD_SECONDS)
        alive = sum(thread.is_alive() for thread in threads)
        with load.lock:
            load.killed.set()
            acknowledged_before_kill = len(load.acknowledged)
        server.kill()
        load.kill_time = time.monotonic()
        load.stop.set()
        for thread in threads:
            thread.join(timeout=REQUEST_TIMEOUT + 5)
        assert not any(thread.is_alive() for thread in threads), "a writer did not stop after the kill"
        load_seconds = time.monotonic() - load_started
        acknowledged = list(load.acknowledged)
        # A write answered between the decision to kill and the kill itself is just as acknowledged.
        counts = Counter(write["kind"] for write in acknowledged)

        after_kill(server)
        restarted = time.monotonic()
        base_url = server.start()
        restart_seconds = time.monotonic() - restarted
        check_started = time.monotonic()
        lost = missing_writes(base_url, tokens, acknowledged)
        check_seconds = time.monotonic() - check_started
        server.stop()
        audit = server.cli("audit", "verify")
        ledger = server.cli("ledger", "verify")

        report = [
            f"[{engine}] {THREADS} writers for {load_seconds:.1f} s, then kill -9 with {alive} writing; "
            f"restart {restart_seconds:.1f} s; read-back {check_seconds:.1f} s; total {time.monotonic() - started:.1f} s",
            f"[{engine}] writes acknowledged: {len(acknowledged)} ({acknowledged_before_kill} before the kill signal) "
            + ", ".join(f"{kind} {counts[kind]}" for kind in sorted(counts)),
            f"[{engine}] requests cut off by the kill (unacknowledged, may or may not be stored): {sum(load.in_flight.values())} "
            + ", ".join(f"{kind} {count}" for kind, count in sorted(load.in_flight.items())),
            f"[{engine}] refused before the kill: {len(load.refused)} {dict(Counter((kind, status) for kind, status, _ in load.refused))}",
            f"[{engine}] writes lost: {len(lost)}",
            f"[{engine}] audit verify: {audit.stdout.strip() or audit.stderr.strip()}",
            f"[{engine}] ledger verify: {ledger.stdout.strip() or ledger.stderr.strip()}",
        ]
        with capsys.disabled():  # shown even when pytest captures output (-q in Scripts/test)
            print("\n" + "\n".join(report))
        try:
            ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
            (ARTIFACTS_DIR / "crash-summary.txt").write_text("\n".join(report) + "\n")
        except OSError:
            pass

        assert not lost, f"{len(lost)} of {len(acknowledged)} acknowledged writes are missing after kill -9 and restart: " + "; ".join(
            f"{write} ({why})" for write, why in lost[:20])
        assert not load.failures, f"connections failed before the kill: {load.failures[:5]}"
        server_errors = [(kind, status, body) for kind, status, body in load.refused if status >= 500]
        assert not server_errors, f"server errors under load: {server_errors[:5]}"
        assert not load.refused, f"writes refused under load (each kind is built to be valid): {load.refused[:5]}"
        assert alive == THREADS, f"only {alive} of {THREADS} writers were still writing when the server was killed"
        for kind in ("patient", "amendment", "measurement", "response", "diagnosis", "receipt", "user"):
            assert counts[kind] > 0, f"no {kind} write was acknowledged: the test did not exercise it ({dict(counts)})"
        assert len(acknowledged) >= 100, f"only {len(acknowledged)} writes acknowledged in {LOAD_SECONDS} s"
        assert audit.returncode == 0, f"audit verify failed after the crash: {audit.stdout}{audit.stderr}"
        assert ledger.returncode == 0, f"ledger verify failed after the crash: {ledger.stdout}{ledger.stderr}"
    finally:
        server.stop()
        saved = ARTIFACTS_DIR / "crash"
        try:
            saved.mkdir(parents=True, exist_ok=True)
            for log in folder.glob("*.log"):
                shutil.copy(log, saved / log.name)
        except OSError:
            pass
        shutil.rmtree(folder, ignore_errors=True)


# --- supervision: the systemd units in deploy/ -------------------------------------------------------


DEPLOY = REPO_ROOT / "deploy"


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
def test_systemd_units_parse(tmp_path):
    """`systemd-analyze verify` on the units, with their binaries pointed at this build (verify checks they exist)."""
    _wait_for_binary(SERVER_BIN)
    names = ["ketacare.service", "ketacare-healthcheck.service", "ketacare-healthcheck.timer"]
    for name in names:
        text = (DEPLOY / name).read_text()
        text = text.replace("/usr/local/bin/ketacare-healthcheck", str(DEPLOY / "ketacare-healthcheck"))
        text = text.replace("/usr/local/bin/ketacare ", f"{SERVER_BIN} ")
        (tmp_path / name).write_text(text)
    result = subprocess.run(["systemd-analyze", "verify", "--man=no", *[str(tmp_path / name) for name in names]],
                            capture_output=True, text=True, timeout=60, cwd=tmp_path)
    output = (result.stdout + result.stderr).strip()
    # Unknown keys and unparsable values are only warnings (exit 0): any line naming one of the units is a failure.
    complaints = [line for line in output.splitlines() if any(name in line for name in names)]
    assert result.returncode == 0 and not complaints, output
    service = (DEPLOY / "ketacare.service").read_text()
    for setting in ("Restart=on-failure", "NoNewPrivileges=yes", "ProtectSystem=strict", "StateDirectory=ketacare", "SWIFT_BACKTRACE="):
        assert setting in service


def test_healthcheck_script_restarts_only_when_health_fails(tmp_path):
    """The health check script (dry run): no answer means restart (exit 1); 200 means healthy (exit 0)."""
    script = DEPLOY / "ketacare-healthcheck"
    assert os.access(script, os.X_OK)
    if not shutil.which("curl"):
        pytest.skip("curl is not installed")
    env = {**os.environ, "KETACARE_HEALTH_DRY_RUN": "1", "KETACARE_HEALTH_INTERVAL": "0", "KETACARE_HEALTH_TIMEOUT": "2",
           "KETACARE_HEALTH_URL": "http://127.0.0.1:9/health"}
    down = subprocess.run([str(script)], capture_output=True, text=True, env=env, timeout=30)
    assert down.returncode == 1 and "would restart ketacare.service" in down.stdout, down.stdout + down.stderr
    server = Server(tmp_path, clinic="health-" + uuid.uuid4().hex[:6])
    try:
        base_url = server.start()
        up = subprocess.run([str(script)], capture_output=True, text=True, env={**env, "KETACARE_HEALTH_URL": base_url + "/health"}, timeout=30)
        assert up.returncode == 0 and up.stdout == "", up.stdout + up.stderr
    finally:
        server.stop()
