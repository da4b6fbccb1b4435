"""Real resources to aim requests at, and a valid request for every operation.

A fuzzer that only ever sends random ids gets 404 before any field is read. `World.build` makes, through the API, the
things the deeper operations need (an eligible patient with consent, a signed plan and a booking, sessions in each
state, a safety alert, a session alert, a received lot and an open discrepancy, a throw-away account for the sign-in
endpoint) and `World.request(operation_id)` returns a valid request for that operation: path parameters, query and a
body. The edge-value sweep starts from it and changes one field at a time; the schemathesis stage uses the ids so that
most generated cases reach the handler's validation instead of stopping at "no such patient".

The document gives no request examples; the bodies here are the ones the browser tests, the bench command and
docs/examples/intake-history.json use.
"""

import copy
import itertools
import json
import time
import uuid
from pathlib import Path

import requests

from server import DEMO_PASSWORD, REPO_ROOT, ROLES

PRODUCT = "ketamine-50mg-ml-10ml"
VICTIM_USER = "fuzz.signin"  # the sign-in endpoint is fuzzed with this account: a lockout can only hit it
VICTIM_PASSWORD = "fuzz-signin-password"
TARGET_PRESCRIBER = "fuzz.prescriber"  # the account user-management operations act on
# Witnesses and second counters re-enter their password, and a wrong one counts toward their lockout: the sweep's wrong
# passwords must lock this account, never a demo account the fuzzer signs in as.
WITNESS_USER = "fuzz.witness"
WITNESS_PASSWORD = "fuzz-witness-password"
# An adjustment's approver (issue #11): a prescriber of its own, so swept passwords never lock a demo account.
APPROVER_USER = "fuzz.approver"
APPROVER_PASSWORD = "fuzz-approver-password"
# Operations that end the session of the token that sends them, or change that account's password: sent with a token of
# their own (a fresh one per request for revokeToken, the world's own-account for changePassword), never with the
# role's token the rest of the run depends on.
SESSION_ENDING = {"revokeToken"}
OWN_ACCOUNT = {"changePassword"}


class FixtureError(Exception):
    pass


class Api:
    """Minimal JSON client bound to a (restartable) server: `server.base_url` is read on every call."""

    def __init__(self, server, tokens):
        self.server = server
        self.tokens = tokens
        self.http = requests.Session()

    def call(self, role, method, path, body=None, expect=None, params=None, token=None):
        headers = {"Authorization": f"Bearer {token or self.tokens[role]}"} if (role or token) else {}
        response = self.http.request(method, self.server.base_url + path, json=body, params=params, headers=headers, timeout=60)
        try:
            data = response.json()
        except ValueError:
            data = response.text
        if expect is not None and response.status_code not in ((expect,) if isinstance(expect, int) else expect):
            raise FixtureError(f"{role} {method} {path} {json.dumps(body)[:300] if body is not None else ''} "
                               f"answered {response.status_code}: {str(data)[:500]}")
        return response.status_code, data


class World:
    """Ids of real resources (made fresh for each stage, and again whenever a request has broken one) and a valid request
    per operation."""

    counter = itertools.count(1)
    accounts_made = False
    witness_made = False

    def __init__(self, api):
        self.api = api
        self.ids = {}
        self.tag = uuid.uuid4().hex[:6].upper()

    def unique(self, prefix=""):
        return f"{prefix}{self.tag}{next(self.counter)}"

    # --- building -------------------------------------------------------------------------------------
    def build(self):
        api = self.api
        if not World.witness_made:
            api.call("admin", "POST", "/api/v1/users", {"username": WITNESS_USER, "role": "nurse", "password": WITNESS_PASSWORD}, expect=(201, 409))
            api.call("admin", "POST", "/api/v1/users", {"username": APPROVER_USER, "role": "prescriber", "password": APPROVER_PASSWORD},
                     expect=(201, 409))
            World.witness_made = True
        # Fresh patients (registered, with a height and a weight today) so that a world can be rebuilt any number of times.
        patients = []
        for index in range(8):
            _, patient = api.call("nurse", "POST", "/api/v1/patients",
                                  {"mrn": self.unique("FW"), "legalGivenName": f"World{index}", "legalFamilyName": f"Fuzz{self.tag}",
                                   "dateOfBirth": "1985-03-14", "sexAtBirth": "female", "phone": "(555) 201-0000",
                                   "emergencyContact": {"name": "Em Contact", "relationship": "friend", "phone": "(555) 201-0001",
                                                        "canEscort": True}}, expect=201)
            api.call("nurse", "POST", f"/api/v1/patients/{patient['id']}/measurements", {"kind": "height", "value": 170}, expect=201)
            api.call("nurse", "POST", f"/api/v1/patients/{patient['id']}/measurements", {"kind": "weight", "value": 70}, expect=201)
            patients.append(patient["id"])
        main, new, ordered, dosing, recovery, stopped, signed, alerting = patients
        self.ids.update(patient=main, alert_patient=alerting)

        # An eligible patient: intake, every fired rule acknowledged, consent, a signed plan and a booking. The patients
        # whose sessions are dosed need the same (dosing checks for consent and an eligibility screen on record).
        intake = json.loads((REPO_ROOT / "docs" / "examples" / "intake-history.json").read_text())
        self.intake = intake
        for patient in (main, ordered, dosing, recovery):
            self._make_eligible(patient)
        _, screening = api.call("prescriber", "GET", f"/api/v1/patients/{main}/screening", expect=200)
        self.ids["rule"] = (screening.get("firedRules") or [{"ruleID": "interaction.benzodiazepine"}])[0]["ruleID"]
        _, plan = api.call("prescriber", "POST", f"/api/v1/patients/{main}/plans",
                           {"template": "iv-racemic-induction", "startDate": "2026-12-04"}, expect=201)
        self.ids["plan"] = plan["id"]
        _, unsigned = api.call("prescriber", "POST", f"/api/v1/patients/{main}/plans",
                               {"template": "iv-racemic-induction", "startDate": "2026-12-04"}, expect=201)
        self.ids["unsigned_plan"] = unsigned["id"]
        api.call("prescriber", "POST", f"/api/v1/plans/{plan['id']}/sign", expect=200)
        booking = None
        for day in range(7, 40):
            status, answer = api.call("frontdesk", "POST", f"/api/v1/plans/{plan['id']}/bookings",
                                      {"date": f"2027-01-{day - 6:02d}", "time": "10:00", "chair": "chair-1", "nurse": "nurse.kim"})
            if status == 201:
                booking = answer
                break
        if booking is None:
            raise FixtureError(f"no booking could be made: {answer}")
        self.ids["booking"] = booking["id"]

        # Sessions in each state the session operations need.
        self.ids["session_new"] = self._check_in(new)
        self.ids["session_ordered"] = self._check_in(ordered)
        self._order(self.ids["session_ordered"])
        self.ids["session_dosing"] = self._to_dosing(dosing)
        self.ids["session_recovery"] = self._to_dosing(recovery)
        for target in ("monitoring", "recovery"):
            self._transition(self.ids["session_recovery"], target)
        self.ids["session_stopped"] = self._check_in(stopped)
        self._transition(self.ids["session_stopped"], "stopped_early", reason="fuzz fixture")
        self.ids["session_signed"] = self._check_in(signed)
        self._transition(self.ids["session_signed"], "stopped_early", reason="fuzz fixture")
        version = self._session_version(self.ids["session_signed"])
        api.call("nurse", "POST", f"/api/v1/sessions/{self.ids['session_signed']}/sign", {"version": version}, expect=200)
        _, answer = api.call("nurse", "POST", f"/api/v1/sessions/{self.ids['session_dosing']}/vitals",
                             {"systolic": 200, "diastolic": 120, "heart_rate": 150, "spo2": 85, "respiratory_rate": 30}, expect=201)
        self.ids["session_alert"] = answer["alerts"][0]["id"]

        # A safety alert (PHQ-9 item 9 answered high).
        _, answer = api.call("nurse", "POST", f"/api/v1/patients/{alerting}/responses",
                             {"instrument": "phq9", "answers": [3] * 9, "mode": "paper", "context": "follow-up"}, expect=201)
        self.ids["alert"] = answer["alerts"][0]["id"]

        # The ledger: a received lot (2 vials of 10 mL) and an open discrepancy from a count that does not match.
        _, receipt = api.call("nurse", "POST", "/api/v1/ledger/entries", self._receipt(), expect=201)
        self.ids["lot"] = receipt["lotId"]
        _, count = api.call("nurse", "POST", "/api/v1/ledger/counts", self._count(first=1, second=1), expect=201)
        if not count.get("discrepancy"):
            raise FixtureError(f"the count opened no discrepancy: {count}")
        self.ids["discrepancy"] = count["discrepancy"]["id"]

        # Licensed text (C-SSRS ships without its wording) needs every item of the instrument.
        _, instrument = api.call("nurse", "GET", "/api/v1/instruments/cssrs", expect=200)
        self.licensed_items = [item["linkId"] for item in instrument.get("items", []) if "linkId" in item]

        # The account the sign-in endpoint is fuzzed with (wrong passwords lock it, never a demo account), and a prescriber
        # whose authorities the user operations may change (never the demo prescriber the fuzzer signs in as).
        if not World.accounts_made:
            api.call("admin", "POST", "/api/v1/users", {"username": VICTIM_USER, "role": "nurse", "password": VICTIM_PASSWORD}, expect=(201, 409))
            api.call("admin", "POST", "/api/v1/users", {"username": TARGET_PRESCRIBER, "role": "prescriber", "password": VICTIM_PASSWORD},
                     expect=(201, 409))
            World.accounts_made = True
        # changePassword is fuzzed with an account of this world's own (wrong current passwords lock it; a right one changes it).
        self.own_user, self.own_password = f"fuzz.own.{self.tag.lower()}", "fuzz-own-password-0"
        api.call("admin", "POST", "/api/v1/users", {"username": self.own_user, "role": "nurse", "password": self.own_password}, expect=201)
        _, answer = api.call(None, "POST", "/api/v1/auth/token", {"username": self.own_user, "password": self.own_password}, expect=200)
        self.own_token = answer["token"]
        return self

    def _make_eligible(self, patient):
        api = self.api
        api.call("prescriber", "POST", f"/api/v1/patients/{patient}/intake", self.intake, expect=201)
        _, screening = api.call("prescriber", "GET", f"/api/v1/patients/{patient}/screening", expect=200)
        for rule in screening.get("firedRules", []):
            if rule.get("overridable"):
                api.call("prescriber", "POST", f"/api/v1/patients/{patient}/screening/overrides",
                         {"ruleID": rule["ruleID"], "reason": "fuzz fixture"}, expect=(201, 422))
        api.call("prescriber", "POST", f"/api/v1/patients/{patient}/consents", {"route": "iv", "kind": "typed", "name": "Fuzz Consent"}, expect=201)

    def _check_in(self, patient):
        _, session = self.api.call("nurse", "POST", f"/api/v1/patients/{patient}/sessions", {"route": "iv"}, expect=201)
        return session["id"]

    def _order(self, session):
        self.api.call("prescriber", "POST", f"/api/v1/sessions/{session}/order",
                      {"dose_mg_per_kg": 0.5, "concentration_mg_per_ml": 1, "infusion_min": 40, "weight_change_confirmed": True}, expect=201)

    def _session_version(self, session):
        _, answer = self.api.call("nurse", "GET", f"/api/v1/sessions/{session}", expect=200)
        return answer["version"]

    def _transition(self, session, to, reason=None):
        body = {"to": to, "version": self._session_version(session)}
        if reason:
            body["reason"] = reason
        self.api.call("nurse", "POST", f"/api/v1/sessions/{session}/transitions", body, expect=200)

    def _to_dosing(self, patient):
        """The bench command's path: order, double check, pre-dose checks, pre-dose vitals, dosing."""
        session = self._check_in(patient)
        self._order(session)
        s = f"/api/v1/sessions/{session}"
        self.api.call("nurse", "POST", f"{s}/order/verify", expect=200)
        self.api.call("nurse", "PUT", f"{s}/checks", self._checks(self._session_version(session)), expect=200)
        self.api.call("nurse", "POST", f"{s}/vitals", {"systolic": 118, "diastolic": 76, "heart_rate": 70, "spo2": 98, "respiratory_rate": 14}, expect=201)
        self._transition(session, "dosing")
        return session

    @staticmethod
    def _checks(version):
        return {"version": version, "identity": True, "consent": True, "eligibility": True, "fasting": True, "escort": True,
                "pregnancy": "not_applicable", "medications_reviewed": True, "questionnaires_done": True}

    def _receipt(self):
        lot = self.unique("L")
        return {"kind": "receipt", "idempotencyKey": self.unique("r-"), "productId": PRODUCT, "lotNumber": lot, "expiresOn": "2030-12-31",
                "containers": 2, "locationId": "safe", "supplierName": "Fuzz Supply", "supplierAddress": "1 Main St",
                "supplierDea": "AB1234563", "invoiceReference": "INV-" + lot, "witness": {"username": WITNESS_USER, "password": WITNESS_PASSWORD}}

    def _count(self, first, second):
        return {"moment": "close_of_business", "locations": ["safe"],
                "lines": [{"productId": PRODUCT, "lotId": self.ids["lot"], "locationId": "safe", "firstCount": first, "secondCount": second}],
                "secondCounter": WITNESS_USER, "secondCounterPassword": WITNESS_PASSWORD}

    # --- path parameters ------------------------------------------------------------------------------
    def path_value(self, path, name):
        """The real id for a path parameter of `path` (None when there is no sensible one)."""
        if name == "instrument":
            return "cssrs" if path.endswith("/licensed-text") else "gad7"
        if name == "kind":
            return "dispensing"
        if name == "planID":
            return self.ids["unsigned_plan"] if path.endswith("/sign") else self.ids["plan"]
        if name == "bookingID":
            return self.ids["booking"]
        if name == "username":
            return TARGET_PRESCRIBER
        if name == "alertID":
            return self.ids["session_alert"] if path.startswith("/api/v1/sessions/") else self.ids["alert"]
        if name == "id":
            if path.startswith("/api/v1/patients/"):
                return self.ids["alert_patient"] if path.endswith("/responses") else self.ids["patient"]
            if path.startswith("/api/v1/ledger/discrepancies/"):
                return self.ids["discrepancy"]
            if path.startswith("/api/v1/sessions/"):
                return self.ids[self.session_for(path)]
        return None

    @staticmethod
    def session_for(path):
        """Which fixture session an operation on /api/v1/sessions/{id}… is aimed at (the state it needs)."""
        tail = path[len("/api/v1/sessions/{id}"):]
        if tail == "/order":
            return "session_new"
        if tail in ("/order/verify", "/order/withdraw", "/checks", "/pre-dose-overrides"):
            return "session_ordered"
        if tail == "/discharge":
            return "session_recovery"
        if tail == "/sign":
            return "session_stopped"
        if tail == "/amendments":
            return "session_signed"
        return "session_dosing"

    # --- a valid request per operation ----------------------------------------------------------------
    def request(self, operation_id, path):
        """{"body": …, "query": {…}, "expensive": bool} for the operation; path parameters come from path_value.

        "expensive" marks requests that make the server run bcrypt (a witness or second counter re-entering a password,
        a sign-in, a new account): the default sweep sends them only the numeric and date values."""
        body, query, expensive = None, {}, False
        session = None
        if path.startswith("/api/v1/sessions/{id}"):
            session = self.ids[self.session_for(path)]
        match operation_id:
            case "createToken":
                body, expensive = {"username": VICTIM_USER, "password": VICTIM_PASSWORD}, True
            case "searchPatients":
                query = {"q": "KC-00001", "limit": 5}
            case "createPatient" | "amendPatient":
                body = {"mrn": self.unique("FZ"), "legalGivenName": "Fuzz", "legalFamilyName": "Tester", "preferredName": "Fuzzy",
                        "dateOfBirth": "1980-02-29", "sexAtBirth": "female", "genderIdentity": "woman", "phone": "(555) 201-0000",
                        "email": "fuzz@example.org", "address": "1 Main St, Springfield",
                        "emergencyContact": {"name": "Em Contact", "relationship": "friend", "phone": "(555) 201-0001", "canEscort": True}}
                if operation_id == "amendPatient":
                    _, patient = self.api.call("nurse", "GET", f"/api/v1/patients/{self.ids['patient']}", expect=200)
                    body = {"legalGivenName": "Fuzz", "phone": "(555) 201-0002", "dateOfBirth": patient.get("dateOfBirth", "1980-01-01"),
                            "version": patient["version"], "reason": "fuzz sweep"}
            case "addMeasurement":
                body = {"kind": "weight", "value": 71.5, "measuredOn": "2026-12-01"}
            case "listAuditEvents":
                query = {"patient": self.ids["patient"], "user": "nurse.kim", "action": "patient.read", "from": "2026-01-01", "to": "2026-12-31",
                         "before": 1000, "limit": 10}
            case "createUser":
                body, expensive = {"username": self.unique("fuzz.u").lower(), "displayName": "Fuzz User", "role": "nurse",
                                   "password": "fuzz-password-1"}, True
            case "listResponses":
                query = {"instrument": "phq9"}
            case "recordResponse":
                body = {"instrument": "gad7", "answers": [1, 2, 0, 1, 3, 0, 1, None], "context": "follow-up", "mode": "paper",
                        "answeredAt": "2026-12-01T10:00:00Z"}
            case "createSelfReportLink":
                body = {"instruments": ["gad7", "phq9"], "context": "follow-up"}
            case "listAlerts":
                query = {"status": "all", "patient": self.ids["alert_patient"]}
            case "acknowledgeAlert":
                body = {"note": "called the patient; safety plan reviewed"}
            case "assignPrescriber":
                body = {"prescriber": "dr.patel", "reason": "fuzz sweep"}
            case "addDiagnosis":
                body = {"code": "F41.0", "isPrimary": False}
            case "cohortOutcomes":
                query = {"instrument": "gad7", "from": "2025-01-01", "to": "2026-12-31", "route": "iv"}
            case "uploadLicensedText":
                body = {"instrument": "cssrs", "licenceHolder": "Fuzz Holder", "licenceReference": "LIC-1", "stem": "In the past month",
                        "instructions": "Ask each question", "items": {link: f"Item {link}" for link in self.licensed_items}}
            case "recordIntake":
                body = copy.deepcopy(self.intake)
            case "overrideScreening":
                body = {"ruleID": self.ids["rule"], "reason": "fuzz sweep", "asMedicalDirector": False}
            case "signConsent":
                body = {"route": "iv", "kind": "typed", "name": "Fuzz Consent", "witness": "Nurse Kim"}
            case "createPlan":
                body = {"template": "iv-racemic-induction", "startDate": "2026-12-10", "startingDose": "0.5", "inductionSessions": 6}
            case "movePlan":
                body = {"phase": "induction", "reason": "fuzz sweep"}
            case "bookSession":
                body = {"date": "2027-02-01", "time": "09:00", "minutes": 120, "chair": "chair-1", "nurse": "nurse.kim", "note": "fuzz",
                        "asNeeded": False}
            case "dismissAsNeeded":
                # The fixture plan is not in maintenance, so a valid dismissal is refused (422, field asNeeded); the sweep
                # checks every field's extremes against that path.
                body = {"reason": "fuzz sweep: reviewed with the patient", "scoreAt": "2026-12-01T10:00:00Z"}
            case "cancelBooking":
                body = {"reason": "fuzz sweep"}
            case "schedule":
                query = {"from": "2026-12-01", "to": "2027-01-31"}
            case "recordLedgerEntry":
                # A transfer needs no witness (fast); the receipt (witnessed, bcrypt) is swept as a second base.
                body = {"kind": "transfer", "idempotencyKey": self.unique("t-"), "lotId": self.ids["lot"], "locationId": "safe",
                        "toLocationId": "cabinet", "container": 1, "quantity": 0.5, "occurredAt": "2026-12-03T09:00:00Z", "note": "fuzz"}
            case "recordLedgerCount":
                body, expensive = self._count(first=20, second=20), True
            case "resolveLedgerDiscrepancy":
                body = {"note": "fuzz investigation"}
            case "ledgerReport":
                query = {"from": "2026-01-01", "to": "2026-12-31", "as_of": "2026-12-03", "product": PRODUCT}
            case "checkIn":
                body = {"route": "iv"}
            case "orderDose":
                body = {"dose_mg_per_kg": 0.5, "concentration_mg_per_ml": 1, "infusion_min": 40, "weight_change_confirmed": True,
                        "override_reason": "fuzz"}
            case "confirmChecks":
                body = self._checks(self._session_version(session))
            case "recordVitals":
                body = {"systolic": 120, "diastolic": 80, "heart_rate": 72, "spo2": 98, "respiratory_rate": 14, "temperature": 36.8}
            case "acknowledgeSessionAlert":
                body = {"action_taken": "rechecked; clinician at bedside"}
            case "recordSessionAssessment":
                body = {"instrument": "moaas", "score": 4}
            case "recordAdverseEvent":
                body = {"term": "nausea", "grade": 1, "seriousness": [], "relatedness": "possible", "expected": True, "action": "none",
                        "treatment": "none", "outcome": "ongoing"}
            case "infusionEvent":
                body = {"action": "pause"}
            case "transitionSession":
                body = {"to": "monitoring", "reason": "fuzz", "version": self._session_version(session)}
            case "assessDischarge":
                body = {"version": self._session_version(session), "activity": 2, "respiration": 2, "consciousness": 2,
                        "escort_present": True, "driving_advice": True}
            case "signSession":
                body = {"version": self._session_version(session)}
            case "amendSession":
                body = {"text": "fuzz amendment", "reason": "fuzz sweep"}
            case "withdrawDoseOrder":
                body = {"reason": "fuzz sweep"}
            case "recordSessionSideEffects":
                body = {"side_effects": ["nausea", "vomiting"], "severities": {"vomiting": "moderate"}, "note": "fuzz"}
            case "recordRescueMedication":
                # given_at must lie between check-in and now: left to its default (now); the sweep still sends it.
                body = {"drug": "ondansetron", "dose_mg": 4, "route": "iv", "indication": "nausea"}
            case "overridePreDoseFinding":
                body = {"item": "vitals", "reason": "fuzz sweep: blood pressure caution reviewed"}
            case "changePassword":
                body = {"currentPassword": self.own_password, "newPassword": self.unique("fuzz-own-password-")}
            case "resetUserPassword":
                body = {"password": "fuzz-temporary-password"}
            case "setMedicalDirector":
                body = {"granted": False, "reason": "fuzz sweep: withdrawn from the fuzzing account"}
            case "recordSafetyCheckIn":
                body = {"kind": "bladder", "answers": {"frequency": False, "urgency": False, "pain": False, "blood": False}, "note": "fuzz",
                        "completed_at": "2026-12-02T10:00:00Z"}
        return {"body": body, "query": query, "expensive": expensive}

    def token_override(self, operation_id, role):
        """The token to send an operation with instead of the role's own (see SESSION_ENDING and OWN_ACCOUNT), or None."""
        if operation_id in OWN_ACCOUNT:
            return self.own_token
        if operation_id in SESSION_ENDING and role:
            _, answer = self.api.call(None, "POST", "/api/v1/auth/token", {"username": ROLES[role], "password": DEMO_PASSWORD}, expect=200)
            return answer["token"]
        return None

    def accepted(self, operation_id, sent_body):
        """After a 2xx: remember what an accepted write changed that later requests depend on."""
        if operation_id == "changePassword" and isinstance(sent_body, dict) and isinstance(sent_body.get("newPassword"), str):
            self.own_password = sent_body["newPassword"]

    def extra_requests(self, operation_id):
        """Further valid bases for operations whose fields only matter in another variant (e.g. a witnessed receipt)."""
        match operation_id:
            case "recordLedgerEntry":
                return [{"body": self._receipt(), "query": {}, "expensive": True, "label": "receipt"},
                        {"body": {"kind": "adjustment", "idempotencyKey": self.unique("a-"), "lotId": self.ids["lot"], "locationId": "safe",
                                  "container": 1, "quantity": -0.5, "reason": "fuzz", "investigationNote": "fuzz",
                                  "witness": {"username": WITNESS_USER, "password": WITNESS_PASSWORD},
                                  "approver": {"username": APPROVER_USER, "password": APPROVER_PASSWORD}},
                         "query": {}, "expensive": True, "label": "adjustment"}]
            case "resolveLedgerDiscrepancy":
                return [{"body": {"note": "fuzz", "adjustment": {"kind": "adjustment", "idempotencyKey": self.unique("ra-"), "lotId": self.ids["lot"],
                                                                 "locationId": "safe", "container": 1, "quantity": -0.5, "reason": "fuzz",
                                                                 "investigationNote": "fuzz",
                                                                 "witness": {"username": WITNESS_USER, "password": WITNESS_PASSWORD},
                                                                 "approver": {"username": APPROVER_USER, "password": APPROVER_PASSWORD}}},
                         "query": {}, "expensive": True, "label": "with adjustment"}]
        return []

    def fresh(self, operation_id, request):
        """Values that must change between sends (idempotency keys, MRNs, usernames) so a repeat is not refused as a duplicate."""
        body = request.get("body")
        if not isinstance(body, dict):
            return request
        body = copy.deepcopy(body)
        if isinstance(body.get("idempotencyKey"), str):
            body["idempotencyKey"] = self.unique("k-")
        if isinstance(body.get("adjustment"), dict) and isinstance(body["adjustment"].get("idempotencyKey"), str):
            body["adjustment"]["idempotencyKey"] = self.unique("k-")
        if operation_id == "createPatient" and isinstance(body.get("mrn"), str):
            body["mrn"] = self.unique("FZ")
        if operation_id == "createUser" and isinstance(body.get("username"), str):
            body["username"] = self.unique("fuzz.u").lower()
        return dict(request, body=body)
