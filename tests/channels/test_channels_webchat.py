"""The clinic page and its chat widget in real headless Chromium (Debian's chromium + chromedriver)."""
import shutil
import tempfile
import urllib.parse
from pathlib import Path

import httpx
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from tests.channels.chan_support import tracker, user_events

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage"]


def browser(profile: str, width: int, height: int) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={width},{height}")
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def bot_texts(driver) -> list:
    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".rw-response .rw-message-text")]


def wait_for_text(driver, text: str, timeout: float = 90) -> None:
    WebDriverWait(driver, timeout).until(lambda d: any(text in t for t in bot_texts(d)))


def requested_hosts(driver) -> set:
    import json

    hosts = set()
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg.get("method") == "Network.requestWillBeSent":
            url = msg["params"]["request"]["url"]
            if url.startswith("http"):
                hosts.add(urllib.parse.urlsplit(url).hostname)
    return hosts


def test_webchat_page_serves_everything_itself(pair):
    r = httpx.get(f"{pair.a.url}/webhooks/webchat/", timeout=60)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "Bay Area Argonaut Clinics" in r.text or "<title>" in r.text
    assert "https://" not in r.text and "http://" not in r.text
    js = httpx.get(f"{pair.a.url}/webhooks/webchat/static/rasa-webchat-1.0.1.js", timeout=60)
    assert js.status_code == 200 and "fonts.googleapis.com" not in js.text
    assert httpx.get(f"{pair.a.url}/webhooks/webchat/static/rasa-webchat-LICENSE.txt").status_code == 200


def test_webchat_in_chromium_books_and_survives_a_reload(pair):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="schedbot-chromium-")
    driver = browser(profile, 1280, 900)
    try:
        url = f"{pair.a.url}/webhooks/webchat/"
        driver.get(url)
        wait_for_text(driver, "What can I do for you?")  # the widget sent /greet over socket.io
        field = WebDriverWait(driver, 60).until(EC.element_to_be_clickable((By.CSS_SELECTOR, ".rw-new-message")))
        field.send_keys("I'd like to book an appointment", Keys.ENTER)
        wait_for_text(driver, "I have these times with Dr. Boyce:")
        button = WebDriverWait(driver, 60).until(EC.element_to_be_clickable(
            (By.XPATH, "//*[contains(@class,'rw-reply') and contains(., 'Tue Dec 1, 9:15 AM')]")))
        driver.save_screenshot(str(ARTIFACTS / "webchat-buttons.png"))
        button.click()
        wait_for_text(driver, "booked for Tue Dec 1, 9:15 AM")
        before = bot_texts(driver)
        driver.save_screenshot(str(ARTIFACTS / "webchat.png"))

        session_id = driver.execute_script(
            "var s = JSON.parse(localStorage.getItem('chat_session') || '{}'); return s.session_id;")
        assert session_id
        driver.refresh()
        wait_for_text(driver, "booked for Tue Dec 1, 9:15 AM")
        assert bot_texts(driver)[:len(before)] == before  # history kept across the reload
        assert any("I'd like to book" in e.text for e in driver.find_elements(By.CSS_SELECTOR, ".rw-client"))

        # the same conversation on the server, in order, from the widget's own session
        texts = [e["text"] for e in user_events(tracker(pair.a, session_id))]
        assert texts[-2:] == ["I'd like to book an appointment", "/choose_tue"]
        assert all(e["metadata"].get("channel") == "webchat" for e in user_events(tracker(pair.a, session_id)))
        assert requested_hosts(driver) <= {"127.0.0.1"}  # nothing fetched from another site

        # phone-sized screen: the chat fills the width and the buttons stay usable
        driver.set_window_size(390, 844)
        driver.refresh()
        wait_for_text(driver, "booked for Tue Dec 1, 9:15 AM")
        width = driver.execute_script(
            "return document.querySelector('.rw-conversation-container').getBoundingClientRect().width;")
        assert width >= 360
        assert driver.find_element(By.CSS_SELECTOR, ".rw-new-message").is_displayed()
        driver.save_screenshot(str(ARTIFACTS / "webchat-phone.png"))
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
