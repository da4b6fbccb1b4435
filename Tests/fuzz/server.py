"""A real `ketacare serve --demo` process for the fuzzing stage, restartable after a crash on the same database: a
temporary SQLite file, or the PostgreSQL database DATABASE_URL names when it is set.

Started as the browser tests start theirs (Tests/browser/conftest.py): `--port 0`, the base URL read from the first line
"KetaCare is running at URL", then GET /health until it answers 200. Each start writes its stderr to
<artifacts>/server-<n>.log so a crash's last lines (the Swift fatal error and backtrace) can be quoted.
"""

import json
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SERVER_BIN = Path(os.environ.get("KETACARE_BIN") or REPO_ROOT / ".build" / "debug" / "ketacare")
RUNNING_LINE = re.compile(r"KetaCare is running at (http://\S+?)/?\s")
STARTUP_TIMEOUT = 90.0
DEMO_PASSWORD = "ketacare-demo"
# One demo account per role (README); the fuzzing runs every operation with each one's token.
ROLES = {
    "admin": "admin",
    "prescriber": "dr.patel",
    "nurse": "nurse.kim",
    "frontdesk": "frontdesk.lee",
    "compliance": "compliance.ortiz",
}


class ServerError(Exception):
    pass


class Server:
    def __init__(self, workdir, artifacts):
        self.workdir = Path(workdir)
        self.artifacts = Path(artifacts)
        self.database = self.workdir / "fuzz.sqlite"
        self.process = None
        self.base_url = None
        self.starts = 0
        self.stderr_path = None

    # --- lifecycle ------------------------------------------------------------------------------------
    def start(self):
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not (SERVER_BIN.is_file() and os.access(SERVER_BIN, os.X_OK)):
            if time.monotonic() > deadline:
                raise ServerError(f"server binary not found: {SERVER_BIN} (set KETACARE_BIN or build with `swift build`)")
            time.sleep(1)
        self.starts += 1
        stdout_path = self.workdir / f"stdout-{self.starts}.log"
        self.stderr_path = self.artifacts / f"server-{self.starts}.log"
        args = [str(SERVER_BIN), "serve", "--demo", "--port", "0"]
        if os.environ.get("DATABASE_URL"):  # as the browser tests: that PostgreSQL database (restarts reuse it)
            env = dict(os.environ)
        else:
            args += ["--database", str(self.database)]
            env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        # A crash prints its backtrace without waiting for a debugger (the default on a terminal is to offer one).
        env.setdefault("SWIFT_BACKTRACE", "enable=yes,interactive=no,color=no,threads=crashed,registers=none,images=none")
        with open(stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.process = subprocess.Popen(args, stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=self.workdir, env=env)
        self.base_url = None
        while self.base_url is None:
            if self.process.poll() is not None:
                raise ServerError(f"server exited with {self.process.returncode} before it was running:\n{self.tail()}")
            if time.monotonic() > deadline:
                raise ServerError(f"server printed no 'KetaCare is running at' line in {STARTUP_TIMEOUT:.0f} s:\n{self.tail()}")
            first = stdout_path.read_text(errors="replace").split("\n", 1)
            if len(first) == 2:
                match = RUNNING_LINE.search(first[0] + " ")
                if not match:
                    raise ServerError(f"unexpected first line from the server: {first[0]!r}")
                self.base_url = match.group(1)
            else:
                time.sleep(0.1)
        while not self.health_ok():
            if self.process.poll() is not None:
                raise ServerError(f"server exited with {self.process.returncode}:\n{self.tail()}")
            if time.monotonic() > deadline:
                raise ServerError(f"GET {self.base_url}/health was not 200 within {STARTUP_TIMEOUT:.0f} s:\n{self.tail()}")
            time.sleep(0.2)
        return self.base_url

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def kill(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def restart(self):
        self.kill()
        return self.start()

    # --- liveness -------------------------------------------------------------------------------------
    def exited(self):
        return self.process is None or self.process.poll() is not None

    def health_ok(self, timeout=5):
        try:
            with urllib.request.urlopen(self.base_url + "/health", timeout=timeout) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError, ValueError):
            return False

    def wait_exit(self, seconds):
        """Gives a crashing process time to print its backtrace and exit; True when it has exited."""
        try:
            self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            pass
        return self.exited()

    def returncode(self):
        return None if self.process is None else self.process.poll()

    def tail(self, lines=40):
        try:
            text = Path(self.stderr_path).read_text(errors="replace").splitlines()
        except (OSError, TypeError):
            return ""
        return "\n".join(text[-lines:])

    def crash_excerpt(self, frames=10):
        """A crashed server's last words: the fatal error line, the crash banner and the crashed thread's first frames
        (SWIFT_BACKTRACE prints them); without those, the last lines of its stderr."""
        try:
            text = Path(self.stderr_path).read_text(errors="replace").splitlines()
        except (OSError, TypeError):
            return ""
        out = [line for line in text if re.search(r"Fatal error|fatal error|Swift runtime failure|Program crashed|Precondition failed", line)]
        crashed = next((i for i, line in enumerate(text) if re.search(r'^Thread \d+ .*crashed:', line)), None)
        if crashed is not None:
            out.append(text[crashed])
            out += [line for line in text[crashed + 1:crashed + 60] if line.strip() and "[thunk]" not in line][:frames]
        if not out:
            out = text[-25:]
        return "\n".join(out)


def post_json(base_url, path, body, token=None, timeout=30):
    data = json.dumps(body).encode()
    request = urllib.request.Request(base_url + path, data=data, method="POST", headers={"Content-Type": "application/json"})
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            return error.code, json.loads(raw)
        except ValueError:
            return error.code, raw.decode(errors="replace")


def mint_tokens(base_url):
    """A bearer token for each demo role, from POST /api/v1/auth/token ({"username", "password"} → {"token", "expiresAt"})."""
    tokens = {}
    for role, username in ROLES.items():
        status, body = post_json(base_url, "/api/v1/auth/token", {"username": username, "password": DEMO_PASSWORD})
        if status != 200 or not isinstance(body, dict) or not body.get("token"):
            raise ServerError(f"could not sign in as {username}: {status} {body}")
        tokens[role] = body["token"]
    return tokens
