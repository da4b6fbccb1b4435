"""The hand-written edge-value sweep: every field of every operation, one extreme value at a time.

For each operation the sweep starts from a valid request (fixtures.World.request) and, for every field (path and query
parameters, JSON body properties at any depth, array items, the body as a whole), sends the same request with that one
field replaced: extreme numbers (0, -1, 2^31, 2^53, 2^63, 2^64, -2^63, ±1e308, 1e-308, 9.2e18, 1e999, NaN and Infinity
as bare tokens and as strings), far-past and far-future dates and times (0001-01-01, 1899-12-31, 9999-12-31,
9999-12-31T23:59:59Z, -1e15 and other numbers where a date string is expected), 100k-character strings, NUL and lone
surrogates, 10k-deep arrays and objects, and a value of every wrong JSON type. 4xx answers are fine and counted; a 5xx,
a dropped connection, a stuck or dead server fails, naming operation, field and value.
"""

import json
import time

import requests

from document import fill_path
from fixtures import SESSION_ENDING
from readback import check_revoked
from report import excerpt

SENTINEL = "__KETACARE_FUZZ_VALUE__"
DEPTH = 10_000
LONG = 100_000


class V:
    """A value to put in a field: `raw` is its JSON text (may be invalid JSON on purpose), `label` how the report names it."""

    __slots__ = ("label", "raw", "text")

    def __init__(self, label, raw, text=None):
        self.label = label
        self.raw = raw  # JSON text for bodies
        self.text = text  # text for query and path parameters (None: not used there)


def num(n):
    text = repr(n) if isinstance(n, float) else str(n)
    return V(text, text, text)


def s(value, label=None):
    return V(label or json.dumps(value, ensure_ascii=False), json.dumps(value), value)


def raw(text, label=None):
    return V(label or f"raw {text}", text, text)


DEEP_ARRAY = V(f"{DEPTH}-deep nested arrays", "[" * DEPTH + "]" * DEPTH)
DEEP_OBJECT = V(f"{DEPTH}-deep nested objects", '{"a":' * DEPTH + "1" + "}" * DEPTH)

NUMBERS = [num(v) for v in (0, -1, 1, 2**31 - 1, 2**31, -(2**31) - 1, 2**32, 2**53, 2**53 + 1, 2**63 - 1, 2**63, 2**64, -(2**63),
                            -(2**63) - 1, -(2**64), 10**30, 9.2e18, -9.2e18, 1e308, -1e308, 1e-308, 5e-324, -0.0, 0.5, 1.5, 1e15, -1e15)] + [
    raw("1e999"), raw("-1e999"), raw("NaN"), raw("Infinity"), raw("-Infinity"), raw("1E400"), raw("-0"), raw("0.0000000000000000000000000001"),
    s("NaN"), s("Infinity"), s("-Infinity"), s("1e999"), s("9223372036854775808"), s("0x10"), s(""),
]
DATE_STRINGS = ["0001-01-01", "1899-12-31", "9999-12-31", "0000-00-00", "0000-01-01", "-0001-01-01", "+10000-01-01", "99999-12-31",
                "1970-01-01", "2026-02-29", "2024-02-30", "2026-13-01", "2026-00-10", "2026-12-03T10:00:00Z", "12/31/9999", "01/01/0001",
                "02/30/2024", "99/99/9999", "1-1-1", "", " "]
DATETIME_STRINGS = ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "1899-12-31T23:59:59Z", "0000-01-01T00:00:00Z", "10000-01-01T00:00:00Z",
                    "-0001-01-01T00:00:00Z", "2026-12-03T25:61:61Z", "2026-12-03T10:00:00+99:99", "2026-12-03T10:00:00.9999999999999Z",
                    "2026-12-03T10:00:00-14:00", "2026-12-03T10:00:00+14:00", "9999-12-31T23:59:59.999Z", "1970-01-01T00:00:00Z",
                    "2026-12-03", "2026-12-03T10:00:00", "", " "]
DATE_NUMBERS = [num(v) for v in (-1e15, 1e15, 0, -1, 2**63, -(2**63), 2**64, 1e308, -1e308, 9.2e18, -9.2e18, 1e-308)] + [raw("1e999"), raw("NaN")]
DATES = [s(v) for v in DATE_STRINGS] + DATE_NUMBERS
DATETIMES = [s(v) for v in DATETIME_STRINGS] + DATE_NUMBERS
STRINGS = [
    s(""), s(" "), V(f'"a"×{LONG}', json.dumps("a" * LONG), "a" * LONG), V(f'"é"×{LONG // 2}', json.dumps("é" * (LONG // 2)), "é" * (LONG // 2)),
    V(f'"😀"×{LONG // 4}', json.dumps("😀" * (LONG // 4)), "😀" * (LONG // 4)), s("\u0000"), s("a\u0000b"), raw('"\\ud800"', 'lone surrogate "\\ud800"'),
    s("-1"), s("0"), s("9999999999999999999999"), s("1e999"), s("NaN"), s("9999-12-31"), s("0001-01-01"), s("-1e15"),
    s("../../../etc/passwd"), s("' OR 1=1 --"), s("%s%n%x"), s("\u202e\u0301"), s("\r\n\t"),
]
# The few values of each kind that the default run sends to requests that make the server run bcrypt (a sign-in, a
# witness or second counter re-entering a password, a new account): each such request costs ~0.4 s on a debug build.
STRINGS_CHEAP = [STRINGS[2], STRINGS[5]]
WRONG = {
    "null": raw("null"), "true": raw("true"), "string": s("x"), "number": num(1.5), "integer": num(7), "array": raw("[]"),
    "object": raw("{}"), "deep-array": DEEP_ARRAY, "deep-object": DEEP_OBJECT, "huge-array": V("array of 100000 zeros", "[" + ",".join(["0"] * LONG) + "]"),
}
ROOT_BODIES = [raw(""), raw("null"), raw("[]"), raw('"x"'), raw("1"), raw("{"), raw('{"a":'), raw("{}"), raw('{} trailing'), DEEP_ARRAY, DEEP_OBJECT,
               raw('{"a":1,"a":2}'), raw("\ufeff{}", "BOM then {}"), raw('{"' + "k" * LONG + '":1}', f"{LONG}-char key")]
PATH_VALUES = [s(v) for v in ("0", "-1", "9223372036854775808", "18446744073709551616", "00000000-0000-0000-0000-000000000000", "1e999", "NaN",
                              " ", "é", "..", "%00", "9999-12-31")] + [V(f'"a"×{10_000}', None, "a" * 10_000)]
QUERY_NUMBERS = [num(v) for v in (0, -1, 2**31, 2**53, 2**63 - 1, 2**63, 2**64, -(2**63), -(2**63) - 1, 1e308, -1e308, 1e-308, 9.2e18)] + [
    s(v) for v in ("1e999", "NaN", "Infinity", "-Infinity", "0x10", "1.5", "", " ", "abc")]


def kind_of(schema, example, document):
    """integer | number | string | date | date-time | boolean | array | object | any, from the schema or else the example."""
    schema = document.resolve(schema) if schema else {}
    for combinator in ("oneOf", "anyOf"):
        options = [document.resolve(o) for o in schema.get(combinator, [])]
        options = [o for o in options if o.get("type") != "null"]
        if options:
            schema = options[0]
    t = schema.get("type")
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), None)
    if t == "string":
        return schema.get("format") if schema.get("format") in ("date", "date-time") else "string"
    if t in ("integer", "number", "boolean", "array", "object"):
        return t
    if "properties" in schema:
        return "object"
    # No schema: judge by the example value.
    if isinstance(example, bool):
        return "boolean"
    if isinstance(example, int):
        return "integer"
    if isinstance(example, float):
        return "number"
    if isinstance(example, str):
        if len(example) == 10 and example[4:5] == "-" and example[7:8] == "-":
            return "date"
        if len(example) > 10 and example[4:5] == "-" and "T" in example:
            return "date-time"
        return "string"
    if isinstance(example, list):
        return "array"
    if isinstance(example, dict):
        return "object"
    return "any"


def body_fields(schema, example, document, path=(), depth=0):
    """Every (path, kind) in a body: schema properties and example keys at any depth, array items as index 0."""
    schema = document.resolve(schema) if schema else {}
    for combinator in ("oneOf", "anyOf", "allOf"):
        for option in schema.get(combinator, []):
            option = document.resolve(option)
            if option.get("type") != "null" and ("properties" in option or option.get("type") in ("object", "array")):
                schema = {**option, **{k: v for k, v in schema.items() if k not in ("oneOf", "anyOf", "allOf")}}
                break
    kind = kind_of(schema, example, document)
    if path:
        yield path, kind
    if depth > 8:
        return
    if kind == "object":
        properties = dict(schema.get("properties", {}))
        keys = list(properties) + [k for k in (example or {}) if isinstance(example, dict) and k not in properties]
        for key in keys:
            sub_example = example.get(key) if isinstance(example, dict) else None
            yield from body_fields(properties.get(key, {}), sub_example, document, path + (key,), depth + 1)
    elif kind == "array":
        items = schema.get("items", {})
        sub_example = example[0] if isinstance(example, list) and example else None
        yield from body_fields(items, sub_example, document, path + (0,), depth + 1)


# The default run's subsets (the long run sends every value above): the ones most likely to overflow a conversion, a
# date computation or a parser, so that the whole sweep stays within a couple of minutes on a debug build.
NUMBERS_DEFAULT = [v for v in NUMBERS if v.label in {
    "0", "-1", "2147483648", "9007199254740992", "9223372036854775807", "9223372036854775808", "18446744073709551616",
    "-9223372036854775808", "-9223372036854775809", "1e+308", "-1e+308", "1e-308", "9.2e+18", "-9.2e+18", "1000000000000000.0",
    "-1000000000000000.0", "0.5", "raw 1e999", "raw NaN", '"NaN"', '"Infinity"'}]
DATES_DEFAULT = [v for v in DATES if v.label in {
    '"0001-01-01"', '"1899-12-31"', '"9999-12-31"', '"0000-00-00"', '"-0001-01-01"', '"+10000-01-01"', '"99999-12-31"', '"2024-02-30"',
    '"12/31/9999"', '"01/01/0001"', '""', "-1000000000000000.0", "1000000000000000.0", "9223372036854775808", "-9223372036854775808",
    "1e+308", "-1e+308", "raw 1e999"}]
DATETIMES_DEFAULT = [v for v in DATETIMES if v.label in {
    '"9999-12-31T23:59:59Z"', '"0001-01-01T00:00:00Z"', '"1899-12-31T23:59:59Z"', '"0000-01-01T00:00:00Z"', '"10000-01-01T00:00:00Z"',
    '"-0001-01-01T00:00:00Z"', '"2026-12-03T25:61:61Z"', '"2026-12-03T10:00:00+99:99"', '""', "-1000000000000000.0", "1000000000000000.0",
    "9223372036854775808", "-9223372036854775808", "1e+308", "-1e+308", "9.2e+18", "raw 1e999"}]
STRINGS_DEFAULT = [STRINGS[i] for i in (0, 2, 4, 5, 7, 13, 15)]
# Sent to every text field: "KCFZ<n>\u0000tail", a fresh n each time. When it is accepted, the read-backs must not show
# "KCFZ<n>" alone (what was accepted was then cut at the NUL).
NUL_MARKER = V('"KCFZ<n>\\u0000tail" (NUL round trip)', None)


# For requests that make the server run bcrypt (~0.35 s each on a debug build) the default run sends fewer values.
NUMBERS_CHEAP = [v for v in NUMBERS if v.label in {"0", "-1", "9007199254740992", "9223372036854775808", "18446744073709551616",
                                                     "-9223372036854775809", "9.2e+18", "1e+308", "-1e+308", "raw 1e999"}]
DATES_CHEAP = [v for v in DATES if v.label in {'"0001-01-01"', '"9999-12-31"', '"-0001-01-01"', "-1000000000000000.0", "1e+308"}]
DATETIMES_CHEAP = [v for v in DATETIMES if v.label in {'"9999-12-31T23:59:59Z"', '"0001-01-01T00:00:00Z"', "-1000000000000000.0",
                                                         "9.2e+18", "1e+308"}]


def values_for(kind, expensive, long_run, main_base=True):
    short = not long_run
    if expensive and short:
        cheap = {"integer": NUMBERS_CHEAP, "number": NUMBERS_CHEAP, "date": DATES_CHEAP, "date-time": DATETIMES_CHEAP,
                 "string": STRINGS_CHEAP if main_base else []}.get(kind, [])
        return list(cheap) + [WRONG["null"], WRONG["deep-array"]]
    if kind in ("integer", "number"):
        values = NUMBERS_DEFAULT if short else NUMBERS
        wrong = ["null", "true", "array", "deep-array"] if short else ["null", "true", "array", "object", "deep-array"]
    elif kind == "date":
        values = DATES_DEFAULT if short else DATES
        wrong = ["null", "array", "deep-array"] if short else ["null", "true", "array", "object", "deep-array"]
    elif kind == "date-time":
        values = DATETIMES_DEFAULT if short else DATETIMES
        wrong = ["null", "array", "deep-array"] if short else ["null", "true", "array", "object", "deep-array"]
    elif kind == "string":
        values = (STRINGS_DEFAULT if short else STRINGS) + [NUL_MARKER]
        wrong = ["null", "integer", "deep-array", "deep-object"] if short else ["null", "integer", "number", "array", "object", "deep-array",
                                                                             "deep-object", "true"]
    elif kind == "boolean":
        values = []
        wrong = ["null", "string", "deep-array"] if short else ["null", "string", "integer", "array", "object", "deep-array"]
    elif kind == "array":
        values = [raw("[null]"), raw("[[]]")]
        wrong = ["null", "object", "deep-array", "huge-array"] if short else ["null", "string", "integer", "object", "deep-array",
                                                                           "deep-object", "huge-array"]
    elif kind == "object":
        values = [raw('{"unknown":1}')]
        wrong = ["null", "array", "deep-object"] if short else ["null", "string", "integer", "array", "deep-array", "deep-object"]
    else:
        values = (NUMBERS_DEFAULT if short else NUMBERS) + DATES[:4] + STRINGS[:4]
        wrong = ["true", "array", "object", "deep-array", "deep-object"]
    return list(values) + [WRONG[w] for w in wrong]


def leaf_paths(value, path=()):
    if isinstance(value, dict):
        for key, sub in value.items():
            yield from leaf_paths(sub, path + (key,))
    elif isinstance(value, list) and value:
        yield from leaf_paths(value[0], path + (0,))
    else:
        yield path


def synthesize(schema, document, depth=0):
    """A plausible value for a schema (required properties only) when the fixtures have no valid request for an operation."""
    schema = document.resolve(schema) if schema else {}
    for combinator in ("oneOf", "anyOf", "allOf"):
        options = [document.resolve(o) for o in schema.get(combinator, []) if document.resolve(o).get("type") != "null"]
        if options:
            return synthesize(options[0], document, depth + 1)
    if "example" in schema:
        return schema["example"]
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    kind = kind_of(schema, None, document)
    if kind == "object" and depth < 6:
        return {name: synthesize(sub, document, depth + 1) for name, sub in schema.get("properties", {}).items()
                if name in schema.get("required", [])}
    return {"integer": 1, "number": 1.5, "boolean": True, "array": [], "object": {}, "date": "2026-12-01",
            "date-time": "2026-12-01T10:00:00Z", "string": "fuzz" + "z" * max(0, schema.get("minLength", 0) - 4)}.get(kind, "fuzz")


def set_path(body, path, value):
    target = body
    for index, key in enumerate(path[:-1]):
        following = path[index + 1]
        if isinstance(target, list):
            while len(target) <= key:
                target.append([] if isinstance(following, int) else {})
            if not isinstance(target[key], (dict, list)):
                target[key] = [] if isinstance(following, int) else {}
            target = target[key]
        else:
            if not isinstance(target.get(key), (dict, list)):
                target[key] = [] if isinstance(following, int) else {}
            target = target[key]
    last = path[-1]
    if isinstance(target, list):
        while len(target) <= last:
            target.append(None)
    target[last] = value


def field_name(path):
    out = ""
    for key in path:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else key)
    return out


class Sweep:
    def __init__(self, document, world_factory, tokens, server, guard, report, roles_for, readback, long_run=False, deadline=None):
        self.document = document
        self.world_factory = world_factory  # makes a fresh fixtures.World (again after a request broke one of its resources)
        self.world = world_factory()
        self.world_broken = False
        self.tokens = tokens
        self.server = server
        self.guard = guard
        self.report = report
        self.roles_for = roles_for  # operation → roles allowed (probed), preferred first
        self.readback = readback
        self.long_run = long_run
        self.deadline = deadline
        self.http = requests.Session()
        self.crashes_per_field = {}
        self.synthesized = set()
        self.markers = 0
        # Each crash costs ~10 s (the backtrace is symbolicated, then a restart): after this many in one field, its other
        # values are not sent (and that is reported).
        self.crash_limit = 5 if long_run else 1

    def out_of_time(self):
        return self.deadline is not None and time.monotonic() > self.deadline

    def run(self, operations):
        for done, operation in enumerate(operations):
            if self.out_of_time() or self.guard.gave_up():
                left = [o.label for o in operations[done:]]
                self.report.note(f"edge sweep stopped by its {'restart limit' if self.guard.gave_up() else 'time budget'}; "
                                 f"not swept: {', '.join(left)}")
                return
            roles = self.roles_for(operation)
            if self.long_run:
                for role in roles:
                    self.sweep_operation(operation, role)
            else:
                self.sweep_operation(operation, *self.pick_role(operation, roles))

    def pick_role(self, operation, roles):
        """The first allowed role whose valid request is accepted (a nurse verifies the order a prescriber wrote), and
        what the valid request answered."""
        if len(roles) > 1 and operation.method != "get":
            statuses = []
            for role in roles:
                status = self.send(operation, role, self.base(operation), None, None, "valid request")
                if isinstance(status, int) and status < 300:
                    return role, status
                statuses.append(status)
            return roles[0], statuses[0]
        return roles[0], None

    def skip_field(self, operation, field):
        if self.crashes_per_field.get((operation.label, field), 0) < self.crash_limit:
            return False
        if (operation.label, field, "noted") not in self.crashes_per_field:
            self.crashes_per_field[(operation.label, field, "noted")] = True
            self.report.note(f"{operation.label} {field_name(field) if field and field[0] not in ('path', 'query') else ' '.join(field)}: "
                             f"its other values were not sent after {self.crash_limit} crash(es)")
        return True

    def count_crash(self, operation, field, outcome):
        if outcome in ("crash", "hang"):
            self.crashes_per_field[(operation.label, field)] = self.crashes_per_field.get((operation.label, field), 0) + 1

    def renew_world(self):
        self.world = self.world_factory()
        self.world_broken = False

    # --- one operation --------------------------------------------------------------------------------
    def base(self, operation, label=""):
        """The operation's valid request (label "") or one of its further bases, made afresh (ids, versions, keys)."""
        for attempt in range(2):
            if self.world_broken:
                self.renew_world()
            try:
                if not label:
                    b = dict(self.world.request(operation.operation_id, operation.path), label="")
                else:
                    b = next(x for x in self.world.extra_requests(operation.operation_id) if x["label"] == label)
                if b.get("body") is None and operation.body_schema is not None and not label:
                    b["body"] = synthesize(operation.body_schema, self.document)
                    if operation.operation_id not in self.synthesized:
                        self.synthesized.add(operation.operation_id)
                        self.report.note(f"{operation.label}: no valid request in fixtures.py; the sweep starts from a body made "
                                         f"from the schema: {excerpt(b['body'], 200)}")
                b = self.world.fresh(operation.operation_id, b)
                b["path"] = {p["name"]: self.world.path_value(operation.path, p["name"]) or "x" for p in operation.path_params()}
                return b
            except Exception as error:  # a fixture the last requests broke (e.g. a session that no longer reads back)
                if attempt:
                    raise
                self.report.note(f"fixtures rebuilt before {operation.label}: {str(error)[:300]}")
                self.world_broken = True

    def sweep_operation(self, operation, role, status=None):
        started = time.monotonic()
        sent_before = self.report.requests
        first = self.base(operation)
        labels = [""] + [x["label"] for x in self.world.extra_requests(operation.operation_id)]

        # The valid request first: it should be accepted (a 4xx here means the sweep is not reaching the handler's depths).
        if status is None:
            status = self.send(operation, role, first, None, None, "valid request")
        if isinstance(status, int) and status >= 400:
            self.report.note(f"{operation.label} as {role}: the valid base request answered {status}; fields are swept all the same")

        for name in first["path"]:
            for value in PATH_VALUES:
                if self.skip_field(operation, ("path", name)):
                    break
                b = self.base(operation)
                b["path"][name] = value.text
                self.count_crash(operation, ("path", name), self.send(operation, role, b, None, None, f"path {name} = {value.label}"))

        for parameter in [p for p in operation.parameters if p["in"] == "query"]:
            schema = parameter.get("schema", {})
            kind = kind_of(schema, None, self.document)
            if kind in ("integer", "number"):
                values = QUERY_NUMBERS
            elif kind == "date":
                values = [s(v) for v in DATE_STRINGS] + [s(str(v)) for v in (-1e15, 1e15, 2**63, -(2**63))]
            elif kind == "date-time":
                values = [s(v) for v in DATETIME_STRINGS]
            else:
                values = [v for v in STRINGS if v.text is not None] + [s(v) for v in ("-1", "9223372036854775808", "9999-12-31", "0001-01-01")]
            required = {p["name"] for p in operation.parameters if p["in"] == "query" and p.get("required")}
            field = ("query", parameter["name"])
            for value in values:
                if self.skip_field(operation, field):
                    break
                b = self.base(operation)
                full = dict(b.get("query") or {}, **{parameter["name"]: value.text})
                b["query"] = full
                self.count_crash(operation, field, self.send(operation, role, b, None, None, f"query {parameter['name']} = {value.label}"))
                alone = {k: v for k, v in full.items() if k == parameter["name"] or k in required}
                if alone != full and not self.skip_field(operation, field):  # and with the other optional parameters at their defaults
                    b = self.base(operation)
                    b["query"] = alone
                    self.count_crash(operation, field, self.send(operation, role, b, None, None,
                                                                 f"query {parameter['name']} = {value.label} (other optional parameters absent)"))

        if operation.body_schema is not None:
            for label in labels:
                b = self.base(operation, label)
                suffix = f" ({label} base)" if label else ""
                if not label:
                    for value in ROOT_BODIES:
                        self.send(operation, role, self.base(operation), (), value, f"body = {value.label}")
                fields = list(body_fields(operation.body_schema, b.get("body"), self.document))
                # Password fields last: a wrong one counts toward the account's lockout, after which the rest would be shallow.
                fields.sort(key=lambda item: any("password" in str(key).lower() for key in item[0]))
                if label and not self.long_run:
                    # A further base (e.g. the witnessed receipt) adds only the fields it sets itself.
                    present = set(leaf_paths(b.get("body")))
                    fields = [(path, kind) for path, kind in fields if path in present]
                for path, kind in fields:
                    for value in values_for(kind, b.get("expensive"), self.long_run, main_base=not label):
                        if self.skip_field(operation, path) or self.out_of_time():
                            break
                        outcome = self.send(operation, role, self.base(operation, label), path, value, f"{field_name(path)} = {value.label}{suffix}")
                        self.count_crash(operation, path, outcome)
        self.guard.check_alive("sweep", operation.label)
        print(f"  sweep {operation.label} as {role}: {self.report.requests - sent_before} requests, {time.monotonic() - started:.1f} s", flush=True)

    def send(self, operation, role, base, field_path, value, what):
        """Sends `base` with `field_path` set to `value` (raw JSON); returns the status, or "crash", "hang", "5xx"…"""
        body = base.get("body")
        marker = None
        if value is NUL_MARKER:
            self.markers += 1
            prefix = f"KCFZ{self.markers}"
            marker = (prefix, prefix + "\u0000tail")
            value = V(f'"{prefix}\\u0000tail"', json.dumps(marker[1]))
            what = what.replace(NUL_MARKER.label, value.label + " (NUL round trip)")
        if field_path is None:
            data = None if body is None else json.dumps(body).encode()
        elif field_path == ():
            data = value.raw.encode()
        else:
            body = json.loads(json.dumps(body)) if body is not None else {}
            set_path(body, field_path, SENTINEL)
            data = json.dumps(body).replace(json.dumps(SENTINEL), value.raw).encode()
        path_values = base["path"]
        url = self.server.base_url + fill_path(operation.path, {k: requests.utils.quote(str(v), safe="") for k, v in path_values.items()})
        headers = {"Content-Type": "application/json"} if data is not None else {}
        token = self.world.token_override(operation.operation_id, role) or (self.tokens[role] if role else None)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        description = f"{operation.method.upper()} {operation.path} {what}"
        if field_path is not None:
            description += f" | base body {excerpt(json.dumps(base.get('body')), 400)}"
        if base.get("query"):
            description += f" | query {excerpt(base['query'], 200)}"
        if path_values:
            description += f" | path {excerpt(path_values, 200)}"
        try:
            response = self.http.request(operation.method.upper(), url, data=data, params=base.get("query") or None, headers=headers,
                                         timeout=30)
        except requests.RequestException as error:
            self.http = requests.Session()
            return self.guard.observe("sweep", operation.label, role, description, error=error)
        outcome = self.guard.observe("sweep", operation.label, role, description, response=response)
        if outcome == "ok" and 200 <= response.status_code < 300:
            try:
                self.world.accepted(operation.operation_id, json.loads(data) if data else None)
            except ValueError:
                pass
            if operation.operation_id in SESSION_ENDING:
                check_revoked(self.readback, "sweep", operation, role, description, token, self.tokens.get(role))
        if outcome == "ok" and self.readback.check("sweep", operation, role, description, path_values, self.world, response, marker):
            self.world_broken = True
        return response.status_code if outcome == "ok" else outcome
