"""After every accepted write, read back what it wrote to: a write that leaves a record the server cannot read any more
(the chart, the session run-sheet, the ledger…) takes that part of the clinic down as surely as a crash.

For a 2xx answer to POST/PUT/PATCH on P, every GET in the document whose path is P or a prefix of P is sent with the same
path values (POST /api/v1/sessions/{id}/vitals → GET /api/v1/sessions/{id}), plus the lists that show what the write
changed elsewhere (plans and bookings → the patient's plans and the schedule; the ledger → entries, balances,
discrepancies, reconciliation and verify; a new patient or session → GET of the new id). Each must answer 200.
"""

import requests

from document import fill_path
from report import excerpt

EXTRA = {
    "/api/v1/plans/": ["/api/v1/patients/{id}/plans", "/api/v1/schedule"],
    "/api/v1/bookings/": ["/api/v1/patients/{id}/plans", "/api/v1/schedule"],
    "/api/v1/ledger/": ["/api/v1/ledger/entries", "/api/v1/ledger/balances", "/api/v1/ledger/discrepancies", "/api/v1/ledger/reconciliation",
                        "/api/v1/ledger/verify"],
    "/api/v1/alerts/": ["/api/v1/alerts"],
    "/api/v1/instruments/": ["/api/v1/instruments/{instrument}"],
}
CREATED = {"createPatient": "/api/v1/patients/{id}", "checkIn": "/api/v1/sessions/{id}"}


class Readback:
    def __init__(self, document, operations, tokens, allowed, server, guard, report):
        self.gets = {o.path: o for o in document.operations() if o.method == "get"}
        self.tokens = tokens
        self.allowed = allowed  # operation_id → roles not refused
        self.server = server
        self.guard = guard
        self.report = report
        self.http = requests.Session()
        self.broken = set()  # concrete GET URLs already reported broken (reported once)

    def probe_operation(self, role):
        """A GET without parameters that needs a token and that `role` may call (to see whether a token still works)."""
        for get in self.gets.values():
            if not get.public and not get.path_params() and role in (self.allowed.get(get.operation_id) or []) \
                    and not any(p.get("required") for p in get.parameters):
                return get
        return None

    def targets(self, operation, path_values, world, answer):
        paths = []
        for get_path in self.gets:
            if operation.path == get_path or operation.path.startswith(get_path + "/"):
                paths.append((get_path, path_values))
        for prefix, extra in EXTRA.items():
            if operation.path.startswith(prefix):
                for get_path in extra:
                    values = {"id": world.ids.get("patient"), "instrument": path_values.get("instrument", "gad7")}
                    paths.append((get_path, values))
        if operation.operation_id in CREATED and isinstance(answer, dict) and answer.get("id"):
            paths.append((CREATED[operation.operation_id], {"id": answer["id"]}))
        return [(p, v) for p, v in paths if p in self.gets]

    def check(self, stage, operation, role, request, path_values, world, response, marker=None):
        """Returns True when a read-back failed (the caller rebuilds its fixtures: one of them may be what broke); text
        cut at a NUL is reported but returns False (the records still read).

        `marker` = (prefix, full): a text the write stored with a NUL after `prefix`; a read-back that shows `prefix`
        alone has lost the rest of what was accepted (a C-string truncation), which is reported as data loss."""
        if operation.method == "get" or not 200 <= response.status_code < 300:
            return False
        try:
            answer = response.json()
        except ValueError:
            answer = None
        failed = False
        if marker is not None:
            seen = set(_strings(answer))
            if marker[0] in seen and marker[1] not in seen:
                self.report.fail("data-loss", stage, operation.label, role, request, status=response.status_code,
                                 detail=f"accepted {marker[1]!r} and answered it as {marker[0]!r}: the text after the NUL is lost",
                                 key=("data-loss", operation.label))
                marker = None  # reported once per write
        for get_path, values in self.targets(operation, path_values, world, answer):
            get = self.gets[get_path]
            roles = [r for r in self.allowed.get(get.operation_id, []) if r]
            if not roles and not get.public:
                continue
            try:
                url = self.server.base_url + fill_path(get_path, {k: requests.utils.quote(str(v), safe="") for k, v in values.items()})
            except KeyError:
                continue
            if url in self.broken:
                continue
            query = world.request(get.operation_id, get.path).get("query") or None
            headers = {"Authorization": f"Bearer {self.tokens[roles[0]]}"} if roles else {}
            what = f"read-back GET {get_path} {values} as {roles[0] if roles else None}"
            try:
                read = self.http.get(url, params=query, headers=headers, timeout=30)
            except requests.RequestException as error:
                self.http = requests.Session()
                self.guard.observe(stage, operation.label, role, f"{request} | then {what}", error=error)
                return True
            outcome = self.guard.observe(stage, get.label, roles[0] if roles else None, f"{what} after: {request}", response=read)
            if outcome != "ok":
                failed = True
            elif read.status_code != 200:
                self.broken.add(url)
                self.report.fail("broken-read", stage, operation.label, role, request, status=f"{response.status_code}, then GET {read.status_code}",
                                 detail=f"after this write, GET {get_path} ({values}) answers {read.status_code}: {excerpt(read.text, 400)}",
                                 key=("broken-read", operation.label, get_path, read.text[:100]))
                print(f"BROKEN READ {get_path} after {request[:300]}", flush=True)
                failed = True
            else:
                self.report.passed()
                if marker is not None:
                    try:
                        seen = set(_strings(read.json()))
                    except ValueError:
                        seen = set()
                    if marker[0] in seen and marker[1] not in seen:
                        self.report.fail("data-loss", stage, operation.label, role, request, status=f"{response.status_code}, then GET 200",
                                         detail=f"accepted {marker[1]!r}; GET {get_path} shows {marker[0]!r}: the text after the NUL is lost",
                                         key=("data-loss", operation.label))
                        marker = None  # reported once per write; the fixtures still read, so they are kept
        return failed


def check_revoked(readback, stage, operation, role, request, token, own_token):
    """After a 2xx from an operation that ends the session of the token that sent it: that token is refused (401) on
    an operation the role may otherwise call, and the role's other token still works there."""
    probe = readback.probe_operation(role)
    if probe is None:
        return
    server, guard, report = readback.server, readback.guard, readback.report
    http = requests.Session()
    for what, bearer, expected in (("the revoked token", token, 401), ("the role's other token", own_token, 200)):
        if not bearer:
            continue
        try:
            answer = http.get(server.base_url + probe.path, headers={"Authorization": f"Bearer {bearer}"}, timeout=30)
        except requests.RequestException as error:
            guard.observe(stage, operation.label, role, f"{request} | then GET {probe.path} with {what}", error=error)
            return
        if guard.observe(stage, probe.label, role, f"GET {probe.path} with {what} after: {request}", response=answer) != "ok":
            return
        if answer.status_code != expected:
            report.fail("revoke", stage, operation.label, role, request, status=f"then GET {probe.path} {answer.status_code}",
                        detail=f"after this request answered 2xx, GET {probe.path} with {what} answers {answer.status_code}, not {expected}",
                        key=("revoke", operation.label, what))
        else:
            report.passed()


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
