#!/usr/bin/env python3
"""Walks Stockade's web pages in headless Chromium (Debian's chromium + chromium-driver, Selenium from PyPI).

Used by Tests/StockadeTests/KeyServerPagesBrowserTests.swift against a running `stockade serve` with the demo
configuration (config/demo.json: key server, development mail sink, demo.test with alice and bob, an MTA-STS policy,
the socketmap):

    key_server_pages.py --base http://127.0.0.1:PORT --socketmap 127.0.0.1:PORT2 --key carol.asc \
        --address carol@example.org --screenshots DIR

From `/` it follows the links a newcomer would, with JavaScript turned off in the browser (the pages are plain forms
and links): uploads the key through the form, asks for the verification mail, finds it at /dev/mail, opens its link,
confirms, searches for the address; then asks for a manage link, removes the address and searches again. Screenshots
of `/`, `/dev/mail`, the verification page and the search result go to DIR (home.png, dev-mail.png,
verification.png, search-result.png). Prints one line per step and exits 0 only if every check held; the first failed
check exits 1 with what was expected and found.
"""
import argparse
import os
import sys
import time
from urllib.parse import urlparse

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ALICE_HASH = "kei1q4tipxxu1yj79k9kfukdhfy631xe"  # `stockade wkd hash alice@demo.test`


def fail(message):
    print(f"FAIL {message}", flush=True)
    print(f"FAIL {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)
    print(f"ok   {message}", flush=True)


def is_stale(element):
    """Whether the element's document was replaced (Chromium reports a detached node as either error)."""
    try:
        element.is_enabled()
        return False
    except (StaleElementReferenceException, WebDriverException):
        return True


def submit(browser, button, title):
    """Clicks a submit button or link and waits until the next page (titled `title` · Stockade) has loaded."""
    old = browser.find_element(By.TAG_NAME, "html")
    button.click()
    try:
        WebDriverWait(browser, 15).until(lambda b: is_stale(old) and b.title == f"{title} · Stockade")
    except TimeoutException:
        fail(f"after the click, expected a page titled {title!r}, found {browser.title!r}")
    print(f"ok   clicked, now on {browser.title!r}", flush=True)


def screenshot(browser, folder, name):
    path = os.path.join(folder, name)
    check(browser.save_screenshot(path), f"screenshot {path}")


def texts(browser, selector):
    return [e.text for e in browser.find_elements(By.CSS_SELECTOR, selector)]


def nav_link(browser, text):
    return browser.find_element(By.XPATH, f"//nav//a[text()='{text}']")


def mailed_link(browser, kind, recipient, subject, timeout=20):
    """Opens /dev/mail through the navigation until a mail to `recipient` with a `kind` link is listed; returns its row
    and link (a `/verify/…` or `/manage/…` URL)."""
    submit(browser, nav_link(browser, "Dev mail"), "Development mail")
    deadline = time.time() + timeout
    while time.time() < deadline:
        for row in browser.find_elements(By.CSS_SELECTOR, "#messages tr.message"):
            links = [a.get_attribute("href") for a in row.find_elements(By.CSS_SELECTOR, "a.link")]
            if row.find_element(By.CLASS_NAME, "to").text == recipient and links and f"/{kind}/" in links[0]:
                check(row.find_element(By.CLASS_NAME, "subject").text == subject, f"the {kind} mail's subject: {subject!r}")
                return row, links[0]
        time.sleep(0.3)
        browser.refresh()  # the outbox had not written it yet
    fail(f"no {kind} mail to {recipient} at /dev/mail within {timeout} s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--socketmap", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--address", required=True)
    parser.add_argument("--screenshots", required=True)
    args = parser.parse_args()
    with open(args.key, encoding="utf-8") as f:
        keytext = f.read()

    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-extensions", "--disable-background-networking", "--window-size=1100,1400"):
        options.add_argument(flag)
    # JavaScript off: every page must work as plain HTML forms and links.
    options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    browser = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    browser.set_page_load_timeout(20)
    try:
        run(browser, args, keytext)
    finally:
        browser.quit()
    print("PASS", flush=True)


def run(browser, args, keytext):
    base = args.base.rstrip("/")
    listen = urlparse(base).netloc
    find = browser.find_element
    address = args.address

    browser.get("data:text/html,<title>off</title><script>document.title = 'on'</script>")
    check(browser.title == "off", f"JavaScript is off in the browser: {browser.title!r}")

    # The home page shows every part the demo turns on.
    browser.get(base + "/")
    check(browser.title == "Home · Stockade", f"home page title: {browser.title!r}")
    check(texts(browser, "nav a") == ["Home", "Search", "Upload", "Manage", "Dev mail"], f"navigation: {texts(browser, 'nav a')}")
    check(texts(browser, "h2") == ["Key server", "Development mail", "Domains", "Demo keys (WKD)", "MTA-STS policies",
                                   "Postfix policy service", "Mail authentication milter", "Report inbox"], f"home sections: {texts(browser, 'h2')}")
    check(texts(browser, "#keyserver a") == ["Search", "Upload a key", "Manage a published key"], "key server links")
    check(find(By.ID, "devmail").get_attribute("href") == base + "/dev/mail", "the dev mail link")
    check(texts(browser, "#domains .domain") == ["demo.test (provider): WKD at openpgpkey.demo.test/.well-known/openpgpkey/demo.test/…"],
          f"domains: {texts(browser, '#domains .domain')}")
    demo = texts(browser, "#demo .demo")
    check(len(demo) == 2 and demo[0] == f"alice@demo.test: curl -s -H 'Host: openpgpkey.demo.test' "
          f"http://{listen}/.well-known/openpgpkey/demo.test/hu/{ALICE_HASH} | gpg --show-keys" and demo[1].startswith("bob@demo.test: "),
          f"demo keys: {demo}")
    check(texts(browser, "#mtasts .mtasts") == [f"demo.test (testing): curl -s -H 'Host: mta-sts.demo.test' "
                                                f"http://{listen}/.well-known/mta-sts.txt"], f"policies: {texts(browser, '#mtasts .mtasts')}")
    check(find(By.ID, "socketmap").text == f"postmap -q example.org socketmap:inet:{args.socketmap}:postfix", "the socketmap line")
    check(find(By.ID, "milter").text.startswith("SPF, DKIM and DMARC of received mail, for Postfix: smtpd_milters = inet:127.0.0.1:"),
          f"the milter line: {find(By.ID, 'milter').text!r}")
    check(find(By.ID, "reportinbox").text == f"TLS reports (RFC 8460) are taken at POST {base}/reports/tlsrpt (rua=https:) for demo.test",
          f"the report inbox line: {find(By.ID, 'reportinbox').text!r}")
    check(len(browser.find_elements(By.TAG_NAME, "script")) == 0, "no script element on the home page")
    screenshot(browser, args.screenshots, "home.png")

    # Upload through the form.
    submit(browser, nav_link(browser, "Upload"), "Upload")
    find(By.ID, "keytext").send_keys(keytext)
    submit(browser, find(By.CSS_SELECTOR, "form[action='/upload'] button"), "Uploaded")
    rows = {r.find_element(By.CLASS_NAME, "address").text: r for r in browser.find_elements(By.CSS_SELECTOR, "#addresses tr")
            if r.find_elements(By.CLASS_NAME, "address")}
    check(list(rows) == [address], f"the upload lists {address} alone: {list(rows)}")
    check(rows[address].find_element(By.CLASS_NAME, "state").text == "unpublished", "the address is unpublished")
    fingerprint = find(By.CSS_SELECTOR, "code.fingerprint").text
    check(len(fingerprint) == 40, f"the upload shows the fingerprint: {fingerprint!r}")

    # Ask for the verification mail from the address's row; it waits at /dev/mail.
    submit(browser, rows[address].find_element(By.CSS_SELECTOR, "button"), "Check your mail")
    check(find(By.ID, "result").text == f"A verification link is on its way to {address}. Open it and confirm to publish.",
          f"the page names the address the mail went to: {find(By.ID, 'result').text!r}")
    host = urlparse(base).hostname
    row, verify = mailed_link(browser, "verify", address, f"Verify {address} for your key on {host}")
    screenshot(browser, args.screenshots, "dev-mail.png")

    # The link shows a confirmation; only the button publishes.
    submit(browser, row.find_element(By.CSS_SELECTOR, "a.link"), "Confirm")
    check(find(By.ID, "address").text == address, "the verification page names the address")
    check(find(By.CSS_SELECTOR, "code.fingerprint").text == fingerprint, "the verification page names the key")
    screenshot(browser, args.screenshots, "verification.png")
    browser.get(base + "/search?q=" + address)
    check(find(By.ID, "result").text == f"No key found for {address}.", "nothing is published before the confirmation")
    browser.get(verify)
    submit(browser, find(By.ID, "confirm"), "Published")
    check(find(By.ID, "result").text == f"{address} is now published in the key {fingerprint}.", "the published page")

    # Search through the form finds exactly that key and user ID.
    submit(browser, nav_link(browser, "Search"), "Search")
    find(By.ID, "q").send_keys(address)
    submit(browser, find(By.CSS_SELECTOR, "form[action='/search'] button"), "Search")
    check(texts(browser, "#result .fingerprint") == [fingerprint], f"search finds the key: {texts(browser, '#result .fingerprint')}")
    check(texts(browser, "#result .uid") == [f"Carol <{address}>"], f"search shows its one user ID: {texts(browser, '#result .uid')}")
    check(find(By.ID, "q").get_attribute("value") == address, "the search form keeps the query")
    screenshot(browser, args.screenshots, "search-result.png")

    # Manage: request a link, follow it from /dev/mail, remove the address.
    submit(browser, nav_link(browser, "Manage"), "Manage")
    find(By.ID, "email").send_keys(address)
    submit(browser, find(By.CSS_SELECTOR, "form[action='/manage'] button"), "Check your mail")
    check(find(By.ID, "result").text == f"If a key is published for {address}, a link to manage it was mailed there.",
          "the manage request page does not reveal anything")
    row, _ = mailed_link(browser, "manage", address, f"Manage your key on {host}")
    submit(browser, row.find_element(By.CSS_SELECTOR, "a.link"), "Manage")
    check(texts(browser, "#addresses .address") == [address], f"the manage page lists the address: {texts(browser, '#addresses .address')}")
    submit(browser, find(By.CSS_SELECTOR, "#addresses button"), "Manage")
    check(find(By.ID, "result").text == f"Removed {address}.", "the manage page confirms the removal")
    check(texts(browser, "#addresses .address") == [], "no address is left on the key")
    browser.get(base + "/search?q=" + address)
    check(find(By.ID, "result").text == f"No key found for {address}.", "search no longer finds the address")


if __name__ == "__main__":
    main()
