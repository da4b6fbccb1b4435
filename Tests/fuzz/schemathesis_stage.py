"""Schemathesis over every operation of the served OpenAPI document, with each demo role's bearer token.

Cases come from schemathesis' own generators (its Python API, one Hypothesis test per operation and role): the
document's examples, the coverage phase (boundary values, and negative cases that break one constraint at a time) and
generated positive and negative cases. Each case is sent with the role's token; most path parameters are replaced by
real ids (fixtures.World) so the cases reach the handlers instead of stopping at 404. Every answer is checked with
not_a_server_error, status_code_conformance, content_type_conformance and response_schema_conformance; failures are
recorded and the run goes on (no shrinking: breadth first). After each operation the server must still be alive.

Then the stateful phase: schemathesis' state machine over the document's `links` (create → read/act on what was
created), with the same checks.

Budget (default run): the coverage phase once per operation, with the first role that may call it; generated cases
for every role (FUZZ_EXAMPLES for roles that may call the operation, a few for roles it refuses). The long run
(KETACARE_FUZZ_LONG=1) sends the coverage phase with every allowed role and many more generated cases.
"""

import json
import random
import re
import time

import hypothesis
import requests
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation.hypothesis.builder import HypothesisTestConfig, HypothesisTestMode, create_test
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from fixtures import OWN_ACCOUNT, SESSION_ENDING
from readback import check_revoked
from report import excerpt

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
REAL_ID_SHARE = 0.85  # of the cases get a real id for each path parameter; the rest keep schemathesis' own value
STATEFUL_ROLES = ("nurse", "prescriber")
UUID_LIKE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def _link_sources(document):
    sources = set()
    for item in document.get("paths", {}).values():
        for operation in item.values():
            if isinstance(operation, dict) and any(isinstance(r, dict) and r.get("links") for r in operation.get("responses", {}).values()):
                sources.add(operation.get("operationId"))
    return sources


class Stop(Exception):
    """Ends one operation's Hypothesis run early (time budget)."""


class SchemathesisStage:
    def __init__(self, document, world, tokens, server, guard, report, allowed, readback, seed, long_run=False, deadline=None):
        self.document = document
        self.world = world
        self.tokens = tokens
        self.server = server
        self.guard = guard
        self.report = report
        self.allowed = allowed
        self.readback = readback
        self.seed = seed
        self.long_run = long_run
        self.deadline = deadline
        self.rng = random.Random(seed)
        self.http = requests.Session()
        self.fuzz_examples = 60 if long_run else 6
        self.stateful_reserve = 120 if long_run else 20  # seconds of the budget kept for the stateful phase
        self.stateful_stopped = False
        self.refused_examples = 10 if long_run else 2
        config = schemathesis.Config.from_dict({"seed": seed})
        self.schema = schemathesis.openapi.from_dict(document.data, config=config)
        global LINK_SOURCES
        LINK_SOURCES = _link_sources(document.data)
        self.operations = {}
        for result in self.schema.get_all_operations():
            operation = result.ok()
            self.operations[operation.definition.raw.get("operationId")] = operation

    def out_of_time(self, reserve=0.0):
        return self.deadline is not None and time.monotonic() > self.deadline - reserve

    def settings(self, max_examples):
        return hypothesis.settings(max_examples=max_examples, deadline=None, database=None, derandomize=False,
                                   phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
                                   suppress_health_check=list(hypothesis.HealthCheck), verbosity=hypothesis.Verbosity.quiet,
                                   stateful_step_count=8)

    # --- one case -------------------------------------------------------------------------------------
    def describe(self, case, role):
        path = case.formatted_path if hasattr(case, "formatted_path") else case.path
        text = f"{case.method.upper()} {path}"
        if case.query:
            text += f" query={excerpt(case.query, 300)}"
        headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
        if headers:
            text += f" headers={excerpt(headers, 200)}"
        body = getattr(case, "body", None)
        if body is not None and type(body).__name__ != "NotSet":
            text += f" body={excerpt(body if isinstance(body, (dict, list, str, int, float, bool)) else repr(body), 600)}"
        phase = getattr(getattr(case, "meta", None), "phase", None)
        if phase is not None:
            text += f" [{phase.name.value if hasattr(phase.name, 'value') else phase.name}]"
        return text

    def aim(self, operation, case):
        """Real ids for most cases' path parameters."""
        for name in list(case.path_parameters or {}):
            value = self.world.path_value(operation.path, name)
            if value is not None and name not in ("kind",) and self.rng.random() < REAL_ID_SHARE:
                case.path_parameters[name] = value

    def run_case(self, operation, role, case):
        if self.out_of_time(self.stateful_reserve):
            raise Stop()
        self.aim(operation, case)
        token = self.world.token_override(operation.operation_id, role) or (self.tokens[role] if role else None)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        description = self.describe(case, role)
        try:
            response = case.call(base_url=self.server.base_url, headers=headers, session=self.http, timeout=30)
        except requests.RequestException as error:
            self.http = requests.Session()
            self.guard.observe("schemathesis", operation.label, role, description, error=error)
            return
        except Exception as error:  # a case the transport cannot even send (schemathesis serialisation)
            self.report.note(f"schemathesis could not send a case for {operation.label}: {type(error).__name__}: {str(error)[:200]}")
            return
        outcome = self.guard.observe("schemathesis", operation.label, role, description, response=response)
        if outcome != "ok" and outcome != "5xx":
            return
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
            self.report.passed(len(CHECKS) - 1)  # not_a_server_error was counted by the guard
        except FailureGroup as group:
            # A 5xx is already recorded (by the guard), with its "undocumented status code" too.
            failures = [f for f in group.exceptions if "server error" not in f.title.lower()
                        and not (response.status_code >= 500 and "status code" in f.title.lower())]
            self.report.passed(max(0, len(CHECKS) - 1 - len(failures)))
            for failure in failures:
                kind = "status" if "status code" in failure.title.lower() else "content-type" if "content" in failure.title.lower() else "schema"
                self.report.fail(kind, "schemathesis", operation.label, role, description, status=response.status_code,
                                 detail=f"{failure.title}: {failure.message}\nresponse: {excerpt(response.content, 400)}",
                                 key=(kind, operation.label, response.status_code, failure.title, _first_line(failure.message)))
        except Exception as error:  # a check that could not run (e.g. an unreadable body): visible, not a failure of the server
            self.report.note(f"{operation.label}: the checks could not run on {description[:200]}: {type(error).__name__}: {str(error)[:200]}")
        if 200 <= response.status_code < 300:
            body = getattr(case, "body", None)
            self.world.accepted(operation.operation_id, body if isinstance(body, dict) else None)
            if operation.operation_id in SESSION_ENDING:
                check_revoked(self.readback, "schemathesis", operation, role, description, token, self.tokens.get(role))
        if 200 <= response.status_code < 300 and operation.method != "get":
            path_values = dict(case.path_parameters or {})
            if self.readback.check("schemathesis", operation, role, description, path_values, self.world, _RequestsLike(response)):
                self.world_broken = True

    # --- operations -----------------------------------------------------------------------------------
    def run_operation(self, operation, role, modes, max_examples):
        st_operation = self.operations.get(operation.operation_id)
        if st_operation is None:
            self.report.note(f"schemathesis does not see {operation.label}")
            return

        def test(case):
            self.run_case(operation, role, case)

        config = HypothesisTestConfig(project=self.schema.config, modes=modes, settings=self.settings(max_examples), apply_ci_profile=False,
                                      seed=self.rng.randrange(1 << 32))
        try:
            create_test(operation=st_operation, test_func=test, config=config)()
        except Stop:
            pass
        except hypothesis.errors.Unsatisfiable:
            self.report.note(f"{operation.label}: schemathesis could not generate cases (unsatisfiable)")
        except Exception as error:
            self.report.note(f"{operation.label} as {role}: schemathesis stopped: {type(error).__name__}: {str(error)[:300]}")

    def run(self, operations):
        self.world_broken = False
        started = time.monotonic()
        for index, operation in enumerate(operations):
            if self.out_of_time(self.stateful_reserve) or self.guard.gave_up():
                left = [o.label for o in operations[index:]]
                self.report.note(f"schemathesis stopped by its time budget; not run: {', '.join(left)}")
                break
            if self.world_broken:
                self.world = self.world.__class__(self.world.api).build()
                self.world_broken = False
            sent = self.report.requests
            op_started = time.monotonic()
            allowed = self.allowed.get(operation.operation_id) or []
            roles = [None] if operation.public else list(self.tokens)
            if operation.operation_id in OWN_ACCOUNT:
                roles = allowed[:1]  # sent with the world's own account whatever the role: once is enough
            for number, role in enumerate(roles):
                may = role is None or role in allowed
                if operation.operation_id in SESSION_ENDING:
                    # Each case signs in afresh (bcrypt, ~0.4 s on a debug build): a few generated cases per role.
                    modes, examples = [HypothesisTestMode.EXAMPLES, HypothesisTestMode.FUZZING], self.refused_examples
                elif may and (self.long_run or role == next((r for r in allowed), None)):
                    modes, examples = [HypothesisTestMode.EXAMPLES, HypothesisTestMode.COVERAGE, HypothesisTestMode.FUZZING], self.fuzz_examples
                else:
                    modes, examples = [HypothesisTestMode.EXAMPLES, HypothesisTestMode.FUZZING], self.fuzz_examples if may else self.refused_examples
                self.run_operation(operation, role, modes, examples)
            self.guard.check_alive("schemathesis", operation.label)
            print(f"  schemathesis {operation.label}: {self.report.requests - sent} requests, {time.monotonic() - op_started:.1f} s", flush=True)
        if not self.out_of_time():
            self.run_stateful()
        print(f"schemathesis: {time.monotonic() - started:.0f} s", flush=True)

    # --- stateful -------------------------------------------------------------------------------------
    def run_stateful(self):
        if not any(self.links()):
            self.report.note("the document declares no links: schemathesis' stateful phase has nothing to follow")
            return
        stage = self
        for role in STATEFUL_ROLES if not self.long_run else list(self.tokens):
            base_machine = self.schema.as_state_machine()

            class Machine(base_machine):
                def call(self, case, **kwargs):
                    if stage.out_of_time():
                        stage.stateful_stopped = True
                        raise Stop()
                    label = f"{case.method.upper()} {case.operation.path}"
                    operation = next((o for o in stage.document.operations() if o.label == label), None)
                    if operation is not None:
                        stage.seed_stateful_case(operation, case)
                    token = (stage.world.token_override(operation.operation_id, role) if operation else None) or stage.tokens[role]
                    headers = {"Authorization": f"Bearer {token}"}
                    description = "stateful: " + stage.describe(case, role)
                    try:
                        response = case.call(base_url=stage.server.base_url, headers=headers, session=stage.http, timeout=30)
                    except requests.RequestException as error:
                        stage.http = requests.Session()
                        stage.guard.observe("stateful", label, role, description, error=error)
                        stage.stateful_stopped = True
                        raise Stop()
                    outcome = stage.guard.observe("stateful", label, role, description, response=response)
                    if outcome in ("crash", "hang"):
                        stage.stateful_stopped = True
                        raise Stop()
                    self._last_description = description
                    self._last_headers = headers
                    self._last_operation = operation
                    return response

                def validate_response(self, response, case, additional_checks=(), **kwargs):
                    label = f"{case.method.upper()} {case.operation.path}"
                    try:
                        case.validate_response(response, checks=CHECKS, headers=getattr(self, "_last_headers", None))
                        stage.report.passed(len(CHECKS) - 1)
                    except FailureGroup as group:
                        failures = [f for f in group.exceptions if "server error" not in f.title.lower()
                                    and not (response.status_code >= 500 and "status code" in f.title.lower())]
                        for failure in failures:
                            kind = "status" if "status code" in failure.title.lower() else "content-type" if "content" in failure.title.lower() else "schema"
                            stage.report.fail(kind, "stateful", label, role, getattr(self, "_last_description", label), status=response.status_code,
                                              detail=f"{failure.title}: {failure.message}\nresponse: {excerpt(response.content, 400)}",
                                              key=(kind, label, response.status_code, failure.title, _first_line(failure.message)))

            started = time.monotonic()
            sent = self.report.requests
            self.stateful_stopped = False
            try:
                hypothesis.stateful.run_state_machine_as_test(Machine, settings=self.settings(40 if self.long_run else 10))
            except Stop:
                pass
            except Exception as error:
                # After a Stop (time budget, or a crash already reported), Hypothesis replays the run and finds it went
                # differently (the server answered differently): expected, not worth a note.
                if not self.stateful_stopped:
                    self.report.note(f"stateful phase as {role} stopped: {type(error).__name__}: {str(error)[:400]}")
            self.guard.check_alive("stateful", "(stateful phase)")
            print(f"  schemathesis stateful as {role}: {self.report.requests - sent} requests, {time.monotonic() - started:.1f} s", flush=True)
            if self.out_of_time():
                self.report.note("the stateful phase stopped at the time budget")
                break

    def seed_stateful_case(self, operation, case):
        """Generated bodies for the operations that start link chains are nearly always refused (an MRN, a date of birth
        within the clinic's age limits…), so no chain would start: half the time such a case gets the fixtures' valid
        body. Path parameters that did not come from a link (not an id the server made) get a real id."""
        for name, value in list((case.path_parameters or {}).items()):
            real = self.world.path_value(operation.path, name)
            if real is not None and not UUID_LIKE.match(str(value)) and self.rng.random() < REAL_ID_SHARE:
                case.path_parameters[name] = real
        if operation.operation_id in LINK_SOURCES and self.rng.random() < 0.5:
            try:
                request = self.world.fresh(operation.operation_id, self.world.request(operation.operation_id, operation.path))
            except Exception:
                return
            if request.get("body") is not None:
                case.body = request["body"]

    def links(self):
        for item in self.document.data.get("paths", {}).values():
            for operation in item.values():
                if isinstance(operation, dict):
                    for response in operation.get("responses", {}).values():
                        if isinstance(response, dict) and response.get("links"):
                            yield response["links"]


class _RequestsLike:
    """The read-back check wants `status_code` and `json()`; schemathesis' Response has `status_code` and `json()`."""

    def __init__(self, response):
        self.status_code = response.status_code
        self._response = response

    def json(self):
        return json.loads(self._response.content or b"null")


def _first_line(text):
    return (text or "").strip().splitlines()[0][:160] if text else ""
