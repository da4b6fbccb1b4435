"""The `ketacare` command line against real database files: demo data, audit verify (and tampering),
users, export, backup, score/dose/pk, and the one-line failure for a missing database."""

import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import SERVER_BIN

DEMO_PASSWORD = "ketacare-demo"


def run(*args, stdin=None, env_extra=None, postgres=False):
    env = dict(os.environ)
    if not postgres:
        env.pop("DATABASE_URL", None)
    env.update(env_extra or {})
    return subprocess.run([str(SERVER_BIN), *args], input=stdin, capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture
def db_path():
    folder = tempfile.mkdtemp(prefix="ketacare-cli-")
    yield Path(folder) / "k.sqlite"
    shutil.rmtree(folder, ignore_errors=True)


def test_demo_then_audit_verify_passes_and_a_hand_altered_row_fails(db_path):
    demo = run("demo", "--patients", "40", "--seed", "3", "--database", str(db_path))
    assert demo.returncode == 0, demo.stderr
    assert "40 patients" in demo.stdout
    ok = run("audit", "verify", "--database", str(db_path))
    assert ok.returncode == 0, ok.stderr
    assert "audit chain intact" in ok.stdout

    with sqlite3.connect(db_path) as conn:
        seq = conn.execute("select seq from audit_events order by seq limit 1 offset 2").fetchone()[0]
        conn.execute("update audit_events set actor = 'mallory' where seq = ?", (seq,))
    broken = run("audit", "verify", "--database", str(db_path))
    assert broken.returncode == 1
    assert f"audit event {seq}" in broken.stderr
    assert "altered" in broken.stderr


@pytest.mark.skipif(not os.environ.get("DATABASE_URL") or not shutil.which("psql"), reason="PostgreSQL run only")
def test_audit_verify_detects_tampering_on_postgresql():
    url = os.environ["DATABASE_URL"]
    clinic = "cli-" + os.urandom(4).hex()
    demo = run("demo", "--patients", "5", "--clinic", clinic, postgres=True)
    assert demo.returncode == 0, demo.stderr
    assert run("audit", "verify", "--clinic", clinic, postgres=True).returncode == 0
    subprocess.run(["psql", url, "-q", "-c", f"update audit_events set detail = 'x' where clinic_id = '{clinic}' and seq = 2"], check=True)
    broken = run("audit", "verify", "--clinic", clinic, postgres=True)
    assert broken.returncode == 1
    assert "audit event 2" in broken.stderr


def test_demo_is_deterministic_for_a_seed(tmp_path):
    rows = []
    for name in ("a", "b"):
        path = tmp_path / f"{name}.sqlite"
        assert run("demo", "--patients", "15", "--seed", "9", "--database", str(path)).returncode == 0
        with sqlite3.connect(path) as conn:
            rows.append(conn.execute("select id, mrn, legal_given, legal_family, date_of_birth from patients order by mrn").fetchall())
    assert rows[0] == rows[1]
    assert len(rows[0]) == 15


def test_user_create_list_disable(db_path):
    assert run("migrate", "--database", str(db_path)).returncode == 0
    created = run("user", "create", "--username", "nurse.new", "--role", "nurse", "--password-stdin", "--database", str(db_path),
                  stdin="a-long-password\n")
    assert created.returncode == 0, created.stderr
    bad_role = run("user", "create", "--username", "x.y", "--role", "doctor", "--password-stdin", "--database", str(db_path), stdin="a-long-password\n")
    assert bad_role.returncode != 0
    assert "admin, prescriber, nurse, frontdesk, compliance" in bad_role.stderr
    short = run("user", "create", "--username", "x.z", "--role", "nurse", "--password-stdin", "--database", str(db_path), stdin="short\n")
    assert short.returncode == 1
    assert "password must be at least 10 characters" in short.stderr
    listed = run("user", "list", "--database", str(db_path))
    assert "nurse.new" in listed.stdout and "active" in listed.stdout
    disabled = run("user", "disable", "nurse.new", "--database", str(db_path))
    assert disabled.returncode == 0
    assert "disabled" in run("user", "list", "--database", str(db_path)).stdout
    missing = run("user", "disable", "nobody", "--database", str(db_path))
    assert missing.returncode == 1 and "no account named nobody" in missing.stderr


def test_export_and_backup_produce_checked_files(db_path, tmp_path):
    assert run("demo", "--patients", "25", "--database", str(db_path)).returncode == 0
    out = tmp_path / "patients.csv"
    exported = run("export", "--out", str(out), "--format", "csv", "--database", str(db_path))
    assert exported.returncode == 0, exported.stderr
    lines = out.read_text().splitlines()
    assert lines[0].startswith("id,mrn,")
    assert len(lines) == 26
    ndjson = tmp_path / "patients.ndjson"
    assert run("export", "--out", str(ndjson), "--database", str(db_path)).returncode == 0
    first = json.loads(ndjson.read_text().splitlines()[0])
    assert first["demographics"]["mrn"].startswith("KC-")
    again = run("export", "--out", str(out), "--database", str(db_path))
    assert again.returncode == 1 and "already exists" in again.stderr

    backup = tmp_path / "backup.sqlite"
    done = run("backup", "--out", str(backup), "--database", str(db_path))
    assert done.returncode == 0, done.stderr
    assert "integrity ok" in done.stdout
    with sqlite3.connect(backup) as conn:
        assert conn.execute("select count(*) from patients").fetchone()[0] == 25
    assert run("audit", "verify", "--database", str(backup)).returncode == 0


def test_restore_checks_the_backup_then_serves_it(db_path, tmp_path):
    """Issue #11: `ketacare restore` puts a verified backup in place; a tampered one is refused and nothing is replaced."""
    import re
    import signal
    import urllib.request
    assert run("demo", "--patients", "15", "--database", str(db_path)).returncode == 0
    backup = tmp_path / "backup.sqlite"
    assert run("backup", "--out", str(backup), "--database", str(db_path)).returncode == 0, "backup"

    target = tmp_path / "restored" / "k.sqlite"
    target.parent.mkdir()
    done = run("restore", "--from", str(backup), "--database", str(target))
    assert done.returncode == 0, done.stderr
    assert "integrity ok" in done.stdout and "audit chain ok" in done.stdout and "ledger ok" in done.stdout
    again = run("restore", "--from", str(backup), "--database", str(target))
    assert again.returncode == 1 and "--force" in again.stderr, "an existing database is replaced only with --force"

    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    server = subprocess.Popen([str(SERVER_BIN), "serve", "--port", "0", "--database", str(target)], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        base = re.search(r"(http://\S+?)/?\s", server.stdout.readline()).group(1)
        request = urllib.request.Request(base + "/api/v1/auth/token", method="POST", headers={"Content-Type": "application/json"},
                                         data=json.dumps({"username": "nurse.kim", "password": DEMO_PASSWORD}).encode())
        token = json.loads(urllib.request.urlopen(request, timeout=30).read())["token"]
        found = urllib.request.urlopen(urllib.request.Request(base + "/api/v1/patients?q=KC-000007", headers={"Authorization": "Bearer " + token}),
                                       timeout=30)
        assert json.loads(found.read())["patients"][0]["mrn"] == "KC-000007"
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    tampered = tmp_path / "tampered.sqlite"
    shutil.copy(backup, tampered)
    conn = sqlite3.connect(tampered)
    conn.execute("update audit_events set actor = 'mallory' where seq = 3")
    conn.commit()
    conn.close()  # checkpoints the change into the file itself
    before = target.read_bytes()
    refused = run("restore", "--from", str(tampered), "--database", str(target), "--force")
    assert refused.returncode == 1 and "audit chain is broken" in refused.stderr, refused.stderr
    assert target.read_bytes() == before, "a refused restore leaves the database as it was"
    assert not list(target.parent.glob("*.restore-*")), "no staging file is left behind"


def test_missing_database_gives_one_clear_line():
    result = run("migrate", "--database", "/nonexistent-folder/k.sqlite")
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "folder /nonexistent-folder does not exist" in result.stderr
    pg = run("migrate", env_extra={"DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}, postgres=True)
    assert pg.returncode == 1
    assert "cannot reach PostgreSQL" in pg.stderr
    assert "Fatal error" not in pg.stderr


def test_score_dose_and_pk_commands():
    score = run("score", "GAD-7", "--answers", "1,2,0,3,1,2,1", "--json")
    assert score.returncode == 0, score.stderr
    body = json.loads(score.stdout)
    assert body["instrument"] == "gad7" and body["total"] == 10 and body["alerts"] == []
    missing = json.loads(run("score", "phq9", "--answers", "0,0,0,0,-,0,0,0,1", "--json").stdout)
    assert missing["total"] is None and missing["alerts"]
    bad = run("score", "gad7", "--answers", "1,2,9,3,1,2,1")
    assert bad.returncode == 2 and "answers[3]" in bad.stderr
    unknown = run("score", "madrs", "--answers", "1")
    assert unknown.returncode == 2 and "instrument" in unknown.stderr

    dose = json.loads(run("dose", "--route", "iv", "--dose-mg-per-kg", "0.5", "--weight-kg", "82", "--concentration-mg-per-ml", "10",
                          "--infusion-min", "40", "--json").stdout)
    assert dose["dose_mg"] == 41 and dose["volume_ml"] == 4.1 and dose["rate_ml_per_h"] == 6.2 and dose["limit"]["status"] == "within"
    spray = json.loads(run("dose", "--route", "intranasal-esketamine", "--dose-mg", "56", "--json").stdout)
    assert spray["devices"] == 2 and spray["rate_ml_per_h"] is None

    pk = json.loads(run("pk", "--route", "iv", "--dose-mg-per-kg", "0.5", "--weight-kg", "70", "--infusion-min", "40", "--at", "20,40,60,120",
                        "--json").stdout)
    assert pk["times_min"] == [20, 40, 60, 120]
    assert len(pk["concentration_ng_per_ml"]) == 4
    assert max(pk["concentration_ng_per_ml"]) == pk["concentration_ng_per_ml"][1]
    assert run("pk", "--route", "teleport", "--dose-mg", "1").returncode == 2


def test_policy_show_and_set_changes_a_clinical_default(db_path, tmp_path):
    assert run("migrate", "--database", str(db_path)).returncode == 0
    shown = run("policy", "show", "--database", str(db_path))
    assert shown.returncode == 0, shown.stderr
    policy = json.loads(shown.stdout)
    assert policy["registry"]["maxAgeYears"]["value"] == 130
    assert "designDefault" in policy["registry"]["maxAgeYears"]["provenance"]
    policy["registry"]["maxAgeYears"]["value"] = 110
    edited = tmp_path / "policy.json"
    edited.write_text(json.dumps(policy))
    saved = run("policy", "set", str(edited), "--reason", "Medical director review", "--database", str(db_path))
    assert saved.returncode == 0, saved.stderr
    assert "policy version 2 saved" in saved.stdout
    assert json.loads(run("policy", "show", "--database", str(db_path)).stdout)["registry"]["maxAgeYears"]["value"] == 110

    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"registry": {"maxAgeYears": "old"}}))
    refused = run("policy", "set", str(broken), "--reason", "typo", "--database", str(db_path))
    assert refused.returncode == 1
    assert "registry.maxAgeYears" in refused.stderr
    assert json.loads(run("policy", "show", "--database", str(db_path)).stdout)["registry"]["maxAgeYears"]["value"] == 110
    assert run("audit", "verify", "--database", str(db_path)).returncode == 0


def test_serve_stops_cleanly_on_sigterm(db_path):
    import signal
    import time
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    server = subprocess.Popen([str(SERVER_BIN), "serve", "--port", "0", "--database", str(db_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=env)
    try:
        line = server.stdout.readline()
        assert "KetaCare is running at" in line
        time.sleep(0.5)
        server.send_signal(signal.SIGTERM)
        _, err = server.communicate(timeout=30)
        assert server.returncode == 0
        assert "stopped cleanly" in err
    finally:
        if server.poll() is None:
            server.kill()


def test_screen_command_decides_and_names_bad_fields(tmp_path):
    example = Path(__file__).resolve().parents[2] / "docs" / "examples" / "intake-history.json"
    ok = run("screen", str(example), "--as-of", "2025-06-15", "--json")
    assert ok.returncode == 0, ok.stderr
    result = json.loads(ok.stdout)
    assert result["decision"] == "needsAcknowledgement"
    assert any(rule["ruleID"].startswith("interaction.") for rule in result["firedRules"])
    document = json.loads(example.read_text())
    document["baselineVitals"]["systolic"] = 184
    blocked = run("screen", "-", "--as-of", "2025-06-15", stdin=json.dumps(document))
    assert blocked.returncode == 0 and blocked.stdout.startswith("decision: blocked"), blocked.stdout
    assert "184" in blocked.stdout and "§3.5" in blocked.stdout
    document["medications"][2]["stopDate"] = "2023-01-01"
    bad = run("screen", "-", "--as-of", "2025-06-15", stdin=json.dumps(document))
    assert bad.returncode == 2
    assert "medications[2].stopDate" in bad.stderr
