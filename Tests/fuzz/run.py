#!/usr/bin/env python3
"""Fuzzing stage (issue #11, "No request can take the clinic down").

Starts a real `ketacare serve --demo --port 0 --database <temporary SQLite>` (or on the PostgreSQL database DATABASE_URL
names, when set), signs in every demo role
(POST /api/v1/auth/token), makes real resources to aim at (fixtures.py), then:
  a. schemathesis (schemathesis_stage.py) over every operation of /openapi.json with each role's token: examples,
     coverage (boundary and negative values) and generated cases, checks not_a_server_error, status_code_conformance,
     content_type_conformance and response_schema_conformance; then the stateful phase over the document's links;
  b. the hand-written edge-value sweep (sweep.py): every field of every operation, one extreme value at a time.
The server is watched around every request (process alive, GET /health after each operation): a dead or stuck server
is a failure naming the last request; it is restarted on the same database and the run goes on, so one run finds as
many distinct failures as it can. Ends with a summary and a plain `N passed, N failed` line; exits 1 on any 5xx,
crash, hang or schema violation.

Environment:
  KETACARE_BIN        server binary (default <repo>/.build/debug/ketacare)
  KETACARE_FUZZ_LONG  1 = the long run (more examples, every allowed role in the sweep, every value for bcrypt requests)
  KETACARE_FUZZ_BUDGET  seconds each stage may take (default 150 for schemathesis and 180 for the sweep; long run 1800 and 3600)
  KETACARE_FUZZ_SEED  seed for schemathesis (default fixed, so CI runs are repeatable; the long run picks one and prints it)
  DATABASE_URL        when set, the server runs on that PostgreSQL database instead of a temporary SQLite file
  ARTIFACTS_DIR       server logs (default <repo>/.build/artifacts/fuzz)
  KETACARE_FUZZ_OPENAPI  fuzz from this document file instead of the served /openapi.json (to try an edit unbuilt)

Usage: python3 Tests/fuzz/run.py [--only sweep|schemathesis] [--operation OPERATION_ID ...]
"""

import argparse
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import requests  # noqa: E402

from document import Document, fill_path  # noqa: E402
from fixtures import Api, FixtureError, World  # noqa: E402
from guard import Guard  # noqa: E402
from readback import Readback  # noqa: E402
from report import Report  # noqa: E402
from server import REPO_ROOT, ROLES, Server, mint_tokens  # noqa: E402

# Operations no stage may send, with the reason: none. The ones that end the session of the token that sends them
# (revokeToken) or change its account's password (changePassword) are fuzzed with tokens of their own
# (fixtures.SESSION_ENDING, fixtures.OWN_ACCOUNT); resetUserPassword acts on fixtures.TARGET_PRESCRIBER, whom the run
# never signs in as; the sign-in endpoint uses fixtures.VICTIM_USER, witnesses fixtures.WITNESS_USER and adjustment
# approvers fixtures.APPROVER_USER, so lockouts only ever hit accounts made for that.
EXCLUDED = {}

# The order roles are tried in when one role is enough (the sweep, the probe's first allowed role).
ROLE_ORDER = ("prescriber", "nurse", "compliance", "frontdesk", "admin")


def probe_roles(document, operations, world, tokens, server):
    """operation_id → roles that are not refused with 403 `forbidden` (a request whose body is not an object, so
    nothing is written: the permission check comes before the body is read)."""
    allowed = {}
    http = requests.Session()
    for operation in operations:
        if operation.public:
            allowed[operation.operation_id] = [None]
            continue
        values = {p["name"]: world.path_value(operation.path, p["name"]) or "x" for p in operation.path_params()}
        url = server.base_url + fill_path(operation.path, values)
        roles = []
        for role in ROLE_ORDER:
            data = b'"permission probe"' if operation.body_schema is not None else None
            token = world.token_override(operation.operation_id, role) or tokens[role]  # never revoke the run's own tokens
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            if operation.method == "get":
                params = world.request(operation.operation_id, operation.path).get("query") or None
            else:
                params = None
            response = http.request(operation.method.upper(), url, data=data, headers=headers, params=params, timeout=30)
            code = None
            try:
                code = response.json().get("error", {}).get("code")
            except Exception:
                pass
            if not (response.status_code == 403 and code == "forbidden"):
                roles.append(role)
        allowed[operation.operation_id] = roles
    return allowed


class Interrupted(Exception):
    pass


def _interrupted(signum, frame):
    raise Interrupted(f"signal {signum}")


def main():
    signal.signal(signal.SIGTERM, _interrupted)  # `timeout` in Scripts/test: still stop the server and report what was found
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=("sweep", "schemathesis"))
    parser.add_argument("--operation", action="append", help="only these operation ids (repeatable)")
    parser.add_argument("--long", action="store_true", help="the long run (same as KETACARE_FUZZ_LONG=1)")
    args = parser.parse_args()
    long_run = args.long or os.environ.get("KETACARE_FUZZ_LONG") == "1"
    seed = int(os.environ.get("KETACARE_FUZZ_SEED") or (random.randrange(1 << 32) if long_run else 20261203))

    artifacts = Path(os.environ.get("ARTIFACTS_DIR") or REPO_ROOT / ".build" / "artifacts" / "fuzz")
    artifacts.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="ketacare-fuzz-"))
    report = Report()
    server = Server(workdir, artifacts)
    try:
        server.start()
        print(f"server at {server.base_url} (log {server.stderr_path}); seed {seed}; {'long' if long_run else 'default'} run", flush=True)
        tokens = mint_tokens(server.base_url)
        api = Api(server, tokens)
        if os.environ.get("KETACARE_FUZZ_OPENAPI"):  # try an edited document without rebuilding the server
            document = Document(json.loads(Path(os.environ["KETACARE_FUZZ_OPENAPI"]).read_text()))
        else:
            document = Document(requests.get(server.base_url + "/openapi.json", timeout=30).json())
        every = [o for o in document.operations() if o.operation_id not in EXCLUDED]
        for operation_id, reason in EXCLUDED.items():
            report.note(f"{operation_id} excluded: {reason}")
        operations = [o for o in every if o.operation_id in args.operation] if args.operation else every
        guard = Guard(server, report)

        world = World(api).build()
        allowed = probe_roles(document, every, world, tokens, server)  # all of them: the read-backs use any GET
        for operation in operations:
            if not allowed[operation.operation_id]:
                report.note(f"{operation.label}: every role is refused (403); fuzzed for the refusal only")

        readback = Readback(document, operations, tokens, allowed, server, guard, report)

        if args.only in (None, "schemathesis"):
            from schemathesis_stage import SchemathesisStage

            stage_started = time.monotonic()
            budget = float(os.environ.get("KETACARE_FUZZ_BUDGET") or (1800 if long_run else 150))
            SchemathesisStage(document, world, tokens, server, guard, report, allowed, readback, seed=seed, long_run=long_run,
                              deadline=time.monotonic() + budget).run(operations)
            print(f"schemathesis stage: {time.monotonic() - stage_started:.0f} s", flush=True)

        if args.only in (None, "sweep"):
            from sweep import Sweep

            stage_started = time.monotonic()
            ordered = {o.operation_id: [r for r in ROLE_ORDER if r in allowed[o.operation_id]] or [None if o.public else "admin"]
                       for o in operations}
            budget = float(os.environ.get("KETACARE_FUZZ_BUDGET") or (3600 if long_run else 180))
            # Fresh resources (schemathesis has moved the first ones on), and again whenever a request broke one.
            Sweep(document, lambda: World(api).build(), tokens, server, guard, report, lambda o: ordered[o.operation_id], readback,
                  long_run=long_run, deadline=time.monotonic() + budget).run(operations)
            print(f"edge sweep: {time.monotonic() - stage_started:.0f} s", flush=True)
    except FixtureError as error:
        report.fail("fixtures", "setup", "(fixtures)", None, "-", detail=f"the fuzzing fixtures could not be made: {error}")
        report.note("fixtures.py no longer matches what the server wants: update it (the request that was refused is named above)")
    except Interrupted as why:
        report.fail("interrupted", "run", "(the whole run)", None, "-", detail=f"stopped by {why} before it finished")
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    report.print_failures()
    report.write_counts(artifacts / "answers.txt")
    ok = report.summary()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
