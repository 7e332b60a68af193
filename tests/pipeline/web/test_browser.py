"""The workspace in a real browser (Debian's chromium, driven by Selenium) on the demo store:
log in, open today's issue, change its status with a note, see it in the audit log,
a viewer is refused, search without diacritics, no horizontal scroll at 390 px,
and no serious or critical axe-core violations. Screenshots at 390 and 1280 px go to
``DULUAN_SCREENSHOTS`` (default: the test's temporary folder)."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pipeline.understand.normalize import strip_diacritics
from tests.conftest import IN_CI, REPO, free_port

AXE = REPO / ".ci" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
VIEWER_PASSWORD = "chi-xem-mat-khau-dai"
pytestmark = pytest.mark.slow


def _browser_or_skip() -> tuple[str, str]:
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver):
        if IN_CI:
            pytest.fail("CI=true but chromium / chromedriver are not installed (.ci/run installs them)")
        pytest.skip("chromium and chromium-driver not installed (apt-get install chromium chromium-driver)")
    return chromium, driver


@pytest.fixture(scope="module")
def server(demo: dict) -> Iterator[str]:
    """``duluan serve`` on the demo store, with a viewer account added."""
    env = demo["env"] | {"DULUAN_PASSWORD": VIEWER_PASSWORD}
    added = subprocess.run([sys.executable, "-m", "pipeline.cli", "user", "add", "xem", "--agency", "btg",
                            "--role", "viewer"], env=env, capture_output=True, text=True, cwd=REPO, timeout=120)
    assert added.returncode == 0, added.stderr
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "serve", "--port", str(port)], env=demo["env"],
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            if httpx.get(f"{base}/healthz").status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail(f"duluan serve did not start: {proc.communicate()[1][-2000:]}")
    yield base
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go."""
    folder = Path(os.environ.get("DULUAN_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def browser() -> Iterator[object]:
    """A headless chromium at 1280 px."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver_path = _browser_or_skip()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900",
                "--lang=vi"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def _follow(driver, element) -> None:  # noqa: ANN001
    """Click a link or button that loads a new page, and wait until the new page has loaded.

    The old page is marked with a property on its ``window``; a new document comes with a new
    ``window``, so the mark is gone once the browser has left. Watching the clicked element go
    stale instead fails now and then: chromium answers a check on a node of a page being torn
    down with an inspector error rather than a stale-element error."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.wait import WebDriverWait

    driver.execute_script("window.__duluanLeaving = true;")
    element.click()
    WebDriverWait(driver, 20, ignored_exceptions=(WebDriverException,)).until(
        lambda d: d.execute_script(
            "return window.__duluanLeaving === undefined && document.readyState === 'complete'"))


def _login(driver, base: str, username: str, password: str) -> None:  # noqa: ANN001
    from selenium.webdriver.common.by import By

    driver.get(f"{base}/")
    assert driver.current_url == f"{base}/login"
    driver.find_element(By.NAME, "username").send_keys(username)
    driver.find_element(By.NAME, "password").send_keys(password)
    _follow(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button"))
    assert driver.current_url == f"{base}/"


def _at_width(driver, width: int) -> None:  # noqa: ANN001
    """Make the page's layout viewport ``width`` CSS pixels wide."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600})


def _no_horizontal_scroll(driver) -> None:  # noqa: ANN001
    width, scroll = driver.execute_script(
        "return [window.innerWidth, document.documentElement.scrollWidth]")
    assert scroll <= width, f"page is {scroll} px wide in a {width} px window ({driver.current_url})"


def _axe(driver) -> list[dict]:  # noqa: ANN001
    """Serious and critical axe-core violations of the current page."""
    if not AXE.exists():
        if IN_CI:
            pytest.fail(f"CI=true but axe-core is not installed at {AXE} (.ci/run installs it)")
        pytest.skip("axe-core not installed (npm install --prefix .ci/axe axe-core@4)")
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    driver.set_script_timeout(60)
    result = driver.execute_async_script("const done = arguments[0]; axe.run(document).then(done);")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def _shoot(driver, shots: Path, name: str) -> None:  # noqa: ANN001
    for width in (390, 1280):
        _at_width(driver, width)
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": min(height, 3000), "deviceScaleFactor": 1,
                                "mobile": width < 600})
        driver.save_screenshot(str(shots / f"{name}-{width}.png"))
        if width == 390:
            _no_horizontal_scroll(driver)
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_editor_follows_up_an_issue_in_the_browser(server: str, browser, shots: Path, demo: dict) -> None:  # noqa: ANN001
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    from pipeline.cli import DEMO_PASSWORD

    _login(browser, server, "demo", DEMO_PASSWORD)
    _shoot(browser, shots, "ban-tin")
    assert _axe(browser) == []
    link = browser.find_element(By.CSS_SELECTOR, "ol.issues h3 a")
    title = link.text
    _follow(browser, link)
    key = re.search(r"/issue/(\w+)", browser.current_url).group(1)
    assert browser.find_element(By.TAG_NAME, "h1").text == title
    Select(browser.find_element(By.NAME, "status")).select_by_value("dang_xu_ly")
    browser.find_element(By.NAME, "assignee").send_keys("Phòng Nghiệp vụ Y")
    browser.find_element(By.NAME, "note").send_keys("Đã đề nghị bệnh viện báo cáo, chuẩn bị thông cáo báo chí.")
    _follow(browser, browser.find_element(By.CSS_SELECTOR, "form[action$='/followup'] button"))
    notes = browser.find_element(By.CSS_SELECTOR, "ol.notes").text
    assert "chuẩn bị thông cáo báo chí" in notes and "Đang xử lý" in notes
    _shoot(browser, shots, "van-de")
    assert _axe(browser) == []
    browser.get(f"{server}/audit")
    rows = browser.find_element(By.CSS_SELECTOR, "table.audit tbody").text
    assert "demo" in rows and "chuẩn bị thông cáo báo chí" in rows
    browser.get(f"{server}/")
    assert "Đang xử lý" in browser.find_element(By.CSS_SELECTOR, "ol.issues").text
    _next_digest_shows_status(demo, key)
    for page, name in (("/reviews?period=month", "so-ket"), ("/sources", "nguon-tin")):
        browser.get(server + page)
        _shoot(browser, shots, name)
        assert _axe(browser) == []


def _next_digest_shows_status(demo: dict, key: str) -> None:
    """The digest written after the change carries the issue's status and its workspace link."""
    day = max(p.name for p in (demo["data"] / "digests").iterdir())
    result = subprocess.run([sys.executable, "-m", "pipeline.cli", "digest", "--date", day], env=demo["env"],
                            capture_output=True, text=True, cwd=REPO, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    doc = json.loads((demo["data"] / "digests" / day / "digest.json").read_text(encoding="utf-8"))
    issue = next(i for i in doc["issues"] if i["key"] == key)
    assert issue["followup"]["status"] == "dang_xu_ly" and issue["link"].endswith(f"/issue/{key}?date={day}")
    markdown = (demo["data"] / "digests" / day / "digest.md").read_text(encoding="utf-8")
    assert "**Xử lý:** Đang xử lý (Phòng Nghiệp vụ Y)" in markdown


def test_viewer_is_refused_in_the_browser(server: str, browser) -> None:  # noqa: ANN001
    from selenium.webdriver.common.by import By

    _login(browser, server, "xem", VIEWER_PASSWORD)
    _follow(browser, browser.find_element(By.CSS_SELECTOR, "ol.issues h3 a"))
    fieldset = browser.find_element(By.CSS_SELECTOR, "form[action$='/followup'] fieldset")
    assert fieldset.get_attribute("disabled") is not None
    before = browser.find_element(By.CSS_SELECTOR, "ol.notes").text if browser.find_elements(
        By.CSS_SELECTOR, "ol.notes li") else ""
    browser.execute_script("arguments[0].disabled = false; arguments[0].form.note.value = 'không được phép';"
                           "arguments[0].form.submit();", fieldset)
    assert "403" in browser.find_element(By.TAG_NAME, "h1").text
    browser.back()
    browser.refresh()
    assert "không được phép" not in browser.page_source
    after = browser.find_element(By.CSS_SELECTOR, "ol.notes").text if browser.find_elements(
        By.CSS_SELECTOR, "ol.notes li") else ""
    assert after == before


def test_search_without_diacritics_in_the_browser(server: str, browser, shots: Path) -> None:  # noqa: ANN001
    from selenium.webdriver.common.by import By

    from pipeline.cli import DEMO_PASSWORD

    _login(browser, server, "demo", DEMO_PASSWORD)
    _follow(browser, browser.find_element(By.CSS_SELECTOR, "ol.issues h3 a"))
    document = browser.find_element(By.CSS_SELECTOR, "a[href^='/document/']")
    title, href = document.text, document.get_attribute("href").removeprefix(server)
    words = " ".join(strip_diacritics(title).split()[:6])
    assert words != " ".join(title.split()[:6])
    for _ in range(50):  # the background indexer takes in the store right after start-up
        browser.get(f"{server}/search?q={words}")
        if browser.find_elements(By.CSS_SELECTOR, f"ol.results a[href='{href}']"):
            break
        time.sleep(0.5)
    assert browser.find_elements(By.CSS_SELECTOR, f"ol.results a[href='{href}']")
    _shoot(browser, shots, "tim-kiem")
    assert _axe(browser) == []
    _follow(browser, browser.find_element(By.CSS_SELECTOR, "ol.results a"))
    _shoot(browser, shots, "bai-viet")
    assert _axe(browser) == []


PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}
MAX_PHONE_SCREENS = 5


def test_demo_digest_reads_on_a_phone_action_first(browser, shots: Path, demo: dict) -> None:  # noqa: ANN001
    """The 17/11 and 18/11 demo digests at 390 × 844: "Cần xử lý hôm nay" is the first section and
    ends within the first screen, the 18/11 page is at most 5 screens, charts are drawn at about
    their natural width (so their 9 pt key stays ≥ 11 px), nothing scrolls sideways."""
    from pipeline.report.charts import WIDTH_PX

    screens = {}
    for day in ("2026-11-17", "2026-11-18"):
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
        browser.get((demo["data"] / "digests" / day / "digest.html").as_uri())
        first_h2, block, height, charts = browser.execute_script(
            "const b = document.querySelector('section.todo').getBoundingClientRect();"
            "return [document.querySelector('h2').textContent, [b.top, b.bottom],"
            " document.documentElement.scrollHeight,"
            " [...document.querySelectorAll('article img.chart')].map(i => i.getBoundingClientRect().width)];")
        assert first_h2 == "Cần xử lý hôm nay", day
        assert 0 < block[0] < block[1] <= PHONE["height"], (day, block)
        assert charts and all(w >= 0.95 * WIDTH_PX for w in charts), (day, charts)
        _no_horizontal_scroll(browser)
        screens[day] = height / PHONE["height"]
        _shoot(browser, shots, f"ban-tin-{day}")
        assert _axe(browser) == [], day
    assert screens["2026-11-18"] <= MAX_PHONE_SCREENS, screens
