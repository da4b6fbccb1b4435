"""Reminders go out through the SMTP sender to a real (local, minimal) SMTP server; a message that cannot be delivered
is retried and its failure is visible on the outbox page."""

import datetime
import json
import os
import re
import signal
import socketserver
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

from conftest import SERVER_BIN

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "intake-history.json"


class SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) to accept mail: greeting, HELO, MAIL, RCPT, DATA, QUIT."""

    def handle(self):
        self.wfile.write(b"220 test ESMTP\r\n")
        envelope = {"to": None, "data": []}
        while True:
            line = self.rfile.readline().decode()
            if not line:
                return
            verb = line.split(" ")[0].strip().upper()
            if verb == "DATA":
                self.wfile.write(b"354 go ahead\r\n")
                while True:
                    data = self.rfile.readline().decode()
                    if data in (".\r\n", ""):
                        break
                    envelope["data"].append(data)
                self.server.mail.append(dict(envelope))
                self.wfile.write(b"250 queued\r\n")
            elif verb == "RCPT":
                envelope["to"] = re.search(r"<(.*)>", line).group(1)
                self.wfile.write(b"250 ok\r\n")
            elif verb == "QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


def api(base, method, path, token=None, body=None):
    request = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode())
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read() or b"{}")


def test_booking_reminders_are_sent_by_smtp_and_failures_are_visible(tmp_path):
    smtp = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SMTPHandler)
    smtp.mail = []
    threading.Thread(target=smtp.serve_forever, daemon=True).start()
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.update({"KETACARE_SMTP_HOST": "127.0.0.1", "KETACARE_SMTP_PORT": str(smtp.server_address[1]), "KETACARE_SMTP_FROM": "clinic@example.org",
                "KETACARE_OUTBOX_INTERVAL_SECONDS": "0.5"})
    server = subprocess.Popen([str(SERVER_BIN), "serve", "--demo", "--port", "0", "--database", str(tmp_path / "k.sqlite")],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        base = re.search(r"(http://\S+)", server.stdout.readline()).group(1)
        nurse = api(base, "POST", "/api/v1/auth/token", body={"username": "nurse.kim", "password": "ketacare-demo"})["token"]
        doctor = api(base, "POST", "/api/v1/auth/token", body={"username": "dr.patel", "password": "ketacare-demo"})["token"]
        admin = api(base, "POST", "/api/v1/auth/token", body={"username": "admin", "password": "ketacare-demo"})["token"]
        today = datetime.date.today()
        intake = json.loads(EXAMPLE.read_text())
        intake["medications"] = [m for m in intake["medications"] if "Lorazepam" not in m["name"]]
        intake["baselineVitals"]["measuredOn"] = intake["bodyMeasures"]["measuredOn"] = today.isoformat()
        booked = []
        for mrn in ("KC-000030", "KC-000031", "KC-000032", "KC-000033"):
            patient = api(base, "GET", f"/api/v1/patients?q={mrn}", nurse)["patients"][0]
            api(base, "POST", f"/api/v1/patients/{patient['id']}/intake", nurse, intake)
            api(base, "POST", f"/api/v1/patients/{patient['id']}/consents", nurse, {"route": "iv", "kind": "typed", "name": "Pat"})
            plan = api(base, "POST", f"/api/v1/patients/{patient['id']}/plans", doctor,
                       {"template": "iv-racemic-induction", "startDate": today.isoformat()})
            api(base, "POST", f"/api/v1/plans/{plan['id']}/sign", doctor)
            day = today + datetime.timedelta(days=1)
            while day.weekday() == 6:
                day += datetime.timedelta(days=1)
            chair = f"chair-{len(booked) % 4 + 1}"
            api(base, "POST", f"/api/v1/plans/{plan['id']}/bookings", nurse,
                {"date": day.isoformat(), "time": "10:00", "chair": chair, "nurse": "nurse.kim" if len(booked) < 2 else "nurse.kim"})
            booked.append(patient)
            if len(booked) == 2:
                break
        deadline = time.monotonic() + 20
        while not smtp.mail and time.monotonic() < deadline:
            time.sleep(0.3)
        assert smtp.mail, "the instructions due now were not delivered by SMTP"
        assert smtp.mail[0]["to"].endswith("@example.org")
        subjects = {line.strip() for mail in smtp.mail for line in mail["data"] if line.startswith("Subject:")}
        assert "Subject: Before your treatment" in subjects
        # Every message is either sent or, for a patient without e-mail, failed with its reason (SMS needs a gateway).
        def outbox_page():
            request = urllib.request.Request(base + "/admin/outbox")
            request.add_header("Authorization", f"Bearer {admin}")
            return urllib.request.urlopen(request).read().decode()
        page = outbox_page()
        assert "sent" in page
        if any(p.get("email") is None for p in booked):
            deadline = time.monotonic() + 10
            while "no SMS gateway" not in page and time.monotonic() < deadline:
                time.sleep(0.5)
                page = outbox_page()
            assert "no SMS gateway" in page
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
        smtp.shutdown()


def _start(args, env):
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    line = process.stdout.readline()
    match = re.search(r"(http://\S+)", line)
    assert match, f"server did not start: {line!r}"
    return process, match.group(1)


def test_two_servers_on_one_postgresql_deliver_each_reminder_once():
    """Issue #11: two `ketacare serve` instances on one PostgreSQL each run the delivery loop; every reminder due is sent
    exactly once (claims use FOR UPDATE SKIP LOCKED). An SQLite file is served by one process only, so this runs on
    PostgreSQL."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        import pytest
        pytest.skip("two servers share a database only on PostgreSQL")
    admin_url, _, _ = url.rpartition("/")
    name = f"ketacare_outbox_{os.getpid()}"
    subprocess.run(["psql", "-q", f"{admin_url}/postgres", "-c", f"DROP DATABASE IF EXISTS {name}", "-c", f"CREATE DATABASE {name}"],
                   check=True, capture_output=True)
    database = f"{admin_url}/{name}"
    smtp = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SMTPHandler)
    smtp.mail = []
    threading.Thread(target=smtp.serve_forever, daemon=True).start()
    env = dict(os.environ)
    env.update({"DATABASE_URL": database, "KETACARE_SMTP_HOST": "127.0.0.1", "KETACARE_SMTP_PORT": str(smtp.server_address[1]),
                "KETACARE_SMTP_FROM": "clinic@example.org", "KETACARE_OUTBOX_INTERVAL_SECONDS": "0.2"})
    servers = []
    try:
        servers.append(_start([str(SERVER_BIN), "serve", "--demo", "--port", "0"], env))
        servers.append(_start([str(SERVER_BIN), "serve", "--port", "0"], env))
        count = 60
        now_ms = int(time.time() * 1000)
        rows = ",".join(
            f"('two-servers-{i}', (SELECT id FROM clinics LIMIT 1), NULL, 'appointment-reminder', 'email', 'two-servers-{i}@example.org', "
            f"'Reminder {i}', 'See you soon', {now_ms - i}, 'pending', 0, {now_ms - i}, {now_ms})"
            for i in range(count))
        subprocess.run(["psql", "-q", database, "-c",
                        "INSERT INTO outbox (id, clinic_id, patient_id, kind, channel, recipient, subject, body, due_at, status, attempts, "
                        f"next_attempt_at, created_at) VALUES {rows}"], check=True, capture_output=True)
        def ours():
            return [m["to"] for m in list(smtp.mail) if m["to"] and m["to"].startswith("two-servers-")]
        deadline = time.monotonic() + 30
        while len(ours()) < count and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1.0)  # a duplicate would arrive after the last first delivery
        delivered = ours()
        assert len(set(delivered)) == count, f"{count - len(set(delivered))} reminders were not delivered"
        assert len(delivered) == count, f"{len(delivered) - count} reminders were delivered twice"
        status = subprocess.run(["psql", "-qtA", database, "-c", "SELECT status, count(*) FROM outbox WHERE id LIKE 'two-servers-%' GROUP BY status"],
                                check=True, capture_output=True, text=True).stdout.split()
        assert status == [f"sent|{count}"], status
    finally:
        for process, _ in servers:
            process.send_signal(signal.SIGTERM)
        for process, _ in servers:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        smtp.shutdown()
        subprocess.run(["psql", "-q", f"{admin_url}/postgres", "-c", f"DROP DATABASE IF EXISTS {name}"], capture_output=True)
