"""Watches the server around every fuzzing request: a dead or stuck server is a failure naming the request, then a restart."""

import time

import requests

from report import crash_signature, excerpt

REQUEST_TIMEOUT = 30.0
CRASH_GRACE = 20.0  # a crashing Swift process prints its backtrace before it exits


class Guard:
    def __init__(self, server, report, max_restarts=60):
        self.server = server
        self.report = report
        self.restarts = 0
        self.max_restarts = max_restarts
        self.last = None  # (stage, operation, role, request) of the last request sent

    def gave_up(self):
        return self.restarts >= self.max_restarts

    def _restart(self):
        self.restarts += 1
        try:
            self.server.restart()
        except Exception as error:  # the database itself may be what breaks
            self.report.note(f"server restart failed: {error}")
            raise

    def _crashed(self, stage, operation, role, request, detail):
        log = self.server.crash_excerpt()
        code = self.server.returncode()
        self.report.fail("crash", stage, operation, role, request, status=f"process exited ({code})", detail=detail, log=log)
        print(f"CRASH {operation} as {role}: {request}\n  {crash_signature(log)} (exit {code}); restarting", flush=True)
        self._restart()

    def _hung(self, stage, operation, role, request, detail):
        log = self.server.tail(15)
        self.report.fail("hang", stage, operation, role, request, status="no answer", detail=detail, log=log)
        print(f"HANG {operation} as {role}: {request}; killing and restarting", flush=True)
        self._restart()

    def observe(self, stage, operation, role, request, response=None, error=None):
        """Records a request's outcome; returns "crash", "hang", "5xx" or "ok". `request` is its one-line description."""
        self.last = (stage, operation, role, request)
        if error is not None:
            if self.server.wait_exit(CRASH_GRACE if not isinstance(error, requests.Timeout) else 1):
                self._crashed(stage, operation, role, request, f"{type(error).__name__}: {error}")
                return "crash"
            if not self.server.health_ok(timeout=10):
                self._hung(stage, operation, role, request, f"{type(error).__name__}: {error}; GET /health does not answer either")
                return "hang"
            kind = "hang" if isinstance(error, requests.Timeout) else "no-response"
            self.report.fail(kind, stage, operation, role, request, status="no answer", detail=f"{type(error).__name__}: {error}")
            return kind
        self.report.sent(operation, response.status_code, stage)
        if self.server.exited():
            self._crashed(stage, operation, role, request, f"answered {response.status_code}, then the process exited")
            return "crash"
        if response.status_code >= 500:
            key = ("5xx", operation, _error_key(response))
            if not any(f["key"] == key for f in self.report.failures):
                print(f"{response.status_code} {operation} as {role}: {request[:300]}", flush=True)
            errors = [line for line in self.server.tail(20).splitlines() if " error " in line or "error:" in line.lower()]
            self.report.fail("5xx", stage, operation, role, request, status=response.status_code,
                             detail=excerpt(response.text, 600), key=key, log="\n".join(errors[-1:]))
            if self.server.wait_exit(0.5):
                self._crashed(stage, operation, role, request, f"answered {response.status_code}, then the process exited")
                return "crash"
            return "5xx"
        self.report.passed()  # not_a_server_error
        return "ok"

    def check_alive(self, stage, operation):
        """After an operation: the process is running and GET /health answers 200, else the last request killed it."""
        if not self.server.exited() and self.server.health_ok(timeout=10):
            self.report.passed()
            return True
        last_stage, last_operation, role, request = self.last or (stage, operation, None, "(none)")
        if self.server.wait_exit(CRASH_GRACE):
            self._crashed(last_stage, last_operation, role, request, "the server died after this request (found by the health check)")
        else:
            self._hung(last_stage, last_operation, role, request, "GET /health stopped answering after this request")
        return False


def _error_key(response):
    try:
        error = response.json().get("error", {})
        return f"{response.status_code} {error.get('code')} {error.get('field')}"
    except Exception:
        return f"{response.status_code} {response.text[:80]}"
