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
