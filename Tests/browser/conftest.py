"""Browser tests for KetaCare: a real server process driven by headless Chromium.

Environment:
  KETACARE_BIN    server binary (default <repo>/.build/debug/ketacare)
  DATABASE_URL    when set, the server uses that PostgreSQL database; otherwise a
                  temporary SQLite file is used and thrown away afterwards
  ARTIFACTS_DIR   where screenshots and the server log go
                  (default <repo>/.build/artifacts/browser)
  CHROMIUM_BIN    browser binary (default /usr/bin/chromium)
  CHROMEDRIVER    driver binary (default /usr/bin/chromedriver)
"""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS_DIR = Path(os.environ.get("ARTIFACTS_DIR") or REPO_ROOT / ".build" / "artifacts" / "browser")
SERVER_BIN = Path(os.environ.get("KETACARE_BIN") or REPO_ROOT / ".build" / "debug" / "ketacare")
STARTUP_TIMEOUT = 60.0
RUNNING_LINE = re.compile(r"KetaCare is running at (http://\S+?)/?\s")

DEMO_PASSWORD = "ketacare-demo"
DEMO_USERS = ("admin", "dr.patel", "nurse.kim", "frontdesk.lee", "compliance.ortiz")


def _tail(path, lines=30):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _wait_for_binary(path, timeout=STARTUP_TIMEOUT):
    """The binary may be relinked under us by a concurrent build; give it a moment."""
    deadline = time.monotonic() + timeout
    while not (path.is_file() and os.access(path, os.X_OK)):
        if time.monotonic() > deadline:
            pytest.exit(f"server binary not found: {path} (set KETACARE_BIN or build with `swift build`)", returncode=2)
        time.sleep(1)


def _health_ok(base_url):
    try:
        with urllib.request.urlopen(base_url + "/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="session")
def artifacts_dir():
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS_DIR


@pytest.fixture(scope="session")
def server(artifacts_dir):
    """Starts `ketacare serve --demo --port 0` and yields its base URL, e.g. http://127.0.0.1:41234."""
    _wait_for_binary(SERVER_BIN)
    workdir = Path(tempfile.mkdtemp(prefix="ketacare-browser-"))
    args = [str(SERVER_BIN), "serve", "--demo", "--port", "0"]
    if not os.environ.get("DATABASE_URL"):
        args += ["--database", str(workdir / "k.sqlite")]
    stdout_path = workdir / "stdout.log"
    stderr_path = artifacts_dir / "server.log"
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        process = subprocess.Popen(args, stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=workdir)
    try:
        base_url = None
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while base_url is None:
            if process.poll() is not None:
                pytest.fail(f"server exited with {process.returncode} before it was running:\n{_tail(stderr_path)}")
            if time.monotonic() > deadline:
                pytest.fail(f"server printed no 'KetaCare is running at' line in {STARTUP_TIMEOUT:.0f} s:\n{_tail(stderr_path)}")
            first_line = stdout_path.read_text(errors="replace").split("\n", 1)
            if len(first_line) == 2:  # the first line is complete
                match = RUNNING_LINE.search(first_line[0] + " ")
                if not match:
                    pytest.fail(f"unexpected first line from the server: {first_line[0]!r}")
                base_url = match.group(1)
            else:
                time.sleep(0.2)
        while not _health_ok(base_url):
            if process.poll() is not None:
                pytest.fail(f"server exited with {process.returncode}:\n{_tail(stderr_path)}")
            if time.monotonic() > deadline:
                pytest.fail(f"GET {base_url}/health was not 200 within {STARTUP_TIMEOUT:.0f} s:\n{_tail(stderr_path)}")
            time.sleep(0.3)
        yield base_url
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(workdir, ignore_errors=True)


def _chrome_options():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900"):
        options.add_argument(argument)
    return options


@pytest.fixture
def driver(request, artifacts_dir):
    """A fresh headless Chromium per test (no cookies shared between tests)."""
    browser = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=_chrome_options())
    browser.set_page_load_timeout(30)
    try:
        yield browser
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            stem = artifacts_dir / f"{request.node.name}-FAILED"
            try:
                browser.save_screenshot(str(stem.with_suffix(".png")))
                stem.with_suffix(".html").write_text(f"<!-- {browser.current_url} -->\n" + browser.page_source)
            except Exception as error:  # the browser may be the thing that failed
                print(f"could not save failure artifacts: {error}")
    finally:
        browser.quit()


@pytest.fixture
def shot(request, driver, artifacts_dir):
    """shot("step-name") saves <test>-NN-step-name.png in the artifacts folder."""
    counter = iter(range(1, 1000))

    def take(step):
        path = artifacts_dir / f"{request.node.name}-{next(counter):02d}-{step}.png"
        driver.save_screenshot(str(path))
        return path

    return take


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keeps each phase's report on the test item so fixtures can see whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
