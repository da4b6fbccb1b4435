"""Counts and failures of the fuzzing stage, deduplicated for the final report."""

import json
import re
import time
from collections import Counter, OrderedDict


def excerpt(value, limit=300):
    """A short, exact-enough rendering of a value or body for a report line."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if not isinstance(value, str):
        value = json.dumps(value, ensure_ascii=False)
    if len(value) <= limit:
        return value
    return f"{value[:limit]}… ({len(value)} chars)"


def crash_signature(log_excerpt):
    """Why the process died, without addresses: the fatal error line and the first two frames in KetaCare's sources."""
    lines = log_excerpt.splitlines()
    reason = next((line for line in lines if re.search(r"Fatal error|fatal error|Swift runtime failure|Precondition failed", line)),
                  next((line for line in lines if "Program crashed" in line), "(no fatal error line in the server log)"))
    reason = re.sub(r"0x[0-9a-f]+", "0x…", reason).strip()
    frames = []
    for line in lines:
        match = re.search(r"\](?:\s+\[\w+\])*\s+0x[0-9a-f]+ (.+?)(?: \+ \d+)? in \S+ at .*?(Sources/[^:]+:\d+)", line)
        if match:
            frames.append(f"{match.group(1)} ({match.group(2)})")
        if len(frames) == 2:
            break
    return reason[:200] + ("" if not frames else " @ " + " <- ".join(frames))


def crash_site(log_excerpt):
    """What makes two crashes the same: where in KetaCare's sources they happened (else the fatal error line)."""
    signature = crash_signature(log_excerpt)
    return signature.split(" @ ", 1)[1] if " @ " in signature else signature


class Report:
    def __init__(self):
        self.started = time.monotonic()
        self.operations = set()
        self.requests = 0
        self.statuses = Counter()
        self.by_operation = Counter()  # (stage, operation, status) → answers
        self.checks_passed = 0
        self.checks_failed = 0
        self.failures = []  # every failure, in order
        self.notes = []  # things that are not failures but must be seen (incomplete runs, exclusions)

    # --- counting -------------------------------------------------------------------------------------
    def sent(self, operation_label, status, stage=""):
        self.operations.add(operation_label)
        self.by_operation[(stage, operation_label, status)] += 1
        self.requests += 1
        self.statuses[status // 100 * 100 if isinstance(status, int) else status] += 1

    def passed(self, n=1):
        self.checks_passed += n

    def fail(self, kind, stage, operation, role, request, status=None, detail="", log="", key=None):
        """kind: crash | hang | 5xx | no-response | schema | status | content-type | broken-read."""
        self.checks_failed += 1
        self.failures.append({"kind": kind, "stage": stage, "operation": operation, "role": role, "request": request,
                              "status": status, "detail": detail, "log": log,
                              "key": key or (kind, operation, crash_site(log) if kind == "crash" else str(detail)[:120])})

    def note(self, text):
        self.notes.append(text)
        print(f"NOTE: {text}", flush=True)

    # --- totals ---------------------------------------------------------------------------------------
    def count(self, *kinds):
        return sum(1 for f in self.failures if f["kind"] in kinds)

    def distinct(self):
        groups = OrderedDict()
        for failure in self.failures:
            groups.setdefault(failure["key"], []).append(failure)
        return groups

    def print_failures(self):
        groups = self.distinct()
        if not groups:
            return
        print(f"\n== {len(groups)} distinct failures ({len(self.failures)} in all) ==")
        for number, (key, items) in enumerate(groups.items(), 1):
            first = items[0]
            print(f"\n[{number}] {first['kind'].upper()} {first['operation']} (stage {first['stage']}, role {first['role']}; seen {len(items)}×)")
            print(f"    request: {first['request']}")
            if first["status"] is not None:
                print(f"    status:  {first['status']}")
            if first["detail"]:
                print("    detail:  " + excerpt(first["detail"], 1500).replace("\n", "\n             "))
            others = {i["request"] for i in items[1:]}
            for other in list(others)[:4]:
                print(f"    also:    {other}")
            if len(others) > 4:
                print(f"    also:    … {len(others) - 4} more")
            if first["log"]:
                print("    server log:\n      " + first["log"].replace("\n", "\n      "))

    def write_counts(self, path):
        """Answers per stage, operation and status, for the artifacts (4xx answers are fine, but worth seeing)."""
        lines = [f"{stage:13} {operation:60} {status}: {n}" for (stage, operation, status), n in sorted(self.by_operation.items(), key=str)]
        path.write_text("\n".join(lines) + "\n")

    def summary(self):
        seconds = time.monotonic() - self.started
        five = self.count("5xx", "no-response")
        crashes = self.count("crash", "hang")
        schema = self.count("schema", "status", "content-type")
        broken = self.count("broken-read")
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(self.statuses.items(), key=lambda kv: str(kv[0])))
        print(f"\nfuzz summary: operations {len(self.operations)}, requests {self.requests}, 5xx {five}, crashes {crashes}, "
              f"schema violations {schema}, broken read-backs {broken}, distinct failures {len(self.distinct())}, {seconds:.0f} s ({statuses})")
        for text in self.notes:
            print(f"note: {text}")
        print(f"{self.checks_passed} passed, {self.checks_failed} failed", flush=True)
        return self.checks_failed == 0
