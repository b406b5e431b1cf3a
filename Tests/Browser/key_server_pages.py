#!/usr/bin/env python3
"""Drives the key server's web pages in headless Chromium (Debian's chromium + chromium-driver, Selenium from PyPI).

Used by Tests/StockadeTests/KeyServerPagesBrowserTests.swift against a running `stockade serve`:

    key_server_pages.py --base http://127.0.0.1:PORT --maildir DIR --key alice.asc --address alice@example.org

Loads every page, submits every form the way a person would (no JavaScript on the pages; the browser does the
work), reads the mailed links from the lab SMTP sink's directory, and checks the resulting DOM. Prints one line
per step and exits 0 only if every check held; the first failed check exits 1 with what was expected and found.
"""
import argparse
import glob
import json
import os
import re
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


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
    """Clicks a submit button and waits until the next page (whose title starts with `title`) has loaded."""
    old = browser.find_element(By.TAG_NAME, "html")
    button.click()
    try:
        WebDriverWait(browser, 15).until(lambda b: is_stale(old) and b.title.startswith(title))
    except TimeoutException:
        fail(f"after submitting, expected a page titled {title!r}, found {browser.title!r}")
    print(f"ok   submitted, now on {browser.title!r}", flush=True)


def mailed_link(maildir, kind, recipient, after, timeout=20):
    """The path of the newest `kind` link mailed to `recipient` after `after` (epoch seconds)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        for envelope_path in sorted(glob.glob(os.path.join(maildir, "*.json")), reverse=True):
            try:
                if os.path.getmtime(envelope_path) < after - 1:
                    continue
                with open(envelope_path, encoding="utf-8") as f:
                    envelope = json.load(f)
                if recipient not in envelope.get("rcpt_tos", []):
                    continue
                with open(envelope["eml"], encoding="utf-8") as f:
                    text = f.read().replace("=\r\n", "").replace("=\n", "").replace("=3D", "=")
            except (OSError, ValueError):
                continue
            match = re.search(rf"https?://[^/\s]+(/{kind}/[A-Za-z0-9_-]+)", text)
            if match:
                return match.group(1)
        time.sleep(0.2)
    fail(f"no {kind} mail to {recipient} within {timeout} s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--address", required=True)
    args = parser.parse_args()
    with open(args.key, encoding="utf-8") as f:
        keytext = f.read()

    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-extensions", "--disable-background-networking"):
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    browser.set_page_load_timeout(20)
    try:
        run(browser, args, keytext)
    finally:
        browser.quit()
    print("PASS", flush=True)


def run(browser, args, keytext):
    base = args.base.rstrip("/")
    find = browser.find_element
    finds = browser.find_elements

    browser.get(base + "/")
    check(browser.title == "Search · Stockade key server", f"search page title: {browser.title!r}")
    check(len(finds(By.CSS_SELECTOR, "script")) == 0, "no script element on the search page")

    # Upload through the form.
    browser.get(base + "/upload")
    find(By.ID, "keytext").send_keys(keytext)
    submit(browser, find(By.CSS_SELECTOR, "form[action='/upload'] button"), "Uploaded")
    rows = {r.find_element(By.CLASS_NAME, "address").text: r for r in finds(By.CSS_SELECTOR, "#addresses tr") if
            r.find_elements(By.CLASS_NAME, "address")}
    check(args.address in rows, f"the upload lists {args.address}: {sorted(rows)}")
    check(rows[args.address].find_element(By.CLASS_NAME, "state").text == "unpublished", "the address is unpublished")

    # Ask for the verification mail from the address's row.
    sent_at = time.time()
    submit(browser, rows[args.address].find_element(By.CSS_SELECTOR, "button"), "Check your mail")
    check(args.address in find(By.ID, "result").text, "the page names the address the mail went to")
    verify = mailed_link(args.maildir, "verify", args.address, sent_at)

    # The link shows a confirmation; only the button publishes.
    browser.get(base + verify)
    check(find(By.ID, "address").text == args.address, "the confirmation page names the address")
    browser.get(base + "/search?q=" + args.address)
    check("No key found" in find(By.ID, "result").text, "nothing is published before the confirmation")
    browser.get(base + verify)
    submit(browser, find(By.ID, "confirm"), "Published")
    check(args.address in find(By.ID, "result").text, "the published page names the address")

    # Search through the form finds exactly that user ID.
    browser.get(base + "/")
    find(By.ID, "q").send_keys(args.address)
    submit(browser, find(By.CSS_SELECTOR, "form[action='/search'] button"), "Search")
    uids = [e.text for e in finds(By.CSS_SELECTOR, "#result .uid")]
    check(len(uids) == 1 and args.address in uids[0], f"search shows one user ID with the address: {uids}")

    # Manage: request a link, follow it, remove the address.
    browser.get(base + "/manage")
    find(By.ID, "email").send_keys(args.address)
    requested_at = time.time()
    submit(browser, find(By.CSS_SELECTOR, "form[action='/manage'] button"), "Check your mail")
    check("If a key is published" in find(By.ID, "result").text, "the manage request page does not reveal anything")
    manage = mailed_link(args.maildir, "manage", args.address, requested_at)
    browser.get(base + manage)
    listed = [e.text for e in finds(By.CSS_SELECTOR, "#addresses .address")]
    check(listed == [args.address], f"the manage page lists the published address: {listed}")
    submit(browser, find(By.CSS_SELECTOR, "#addresses button"), "Manage")
    check("Removed" in find(By.ID, "result").text, "the manage page confirms the removal")
    check(finds(By.CSS_SELECTOR, "#addresses .address") == [], "no address is left on the key")
    browser.get(base + "/search?q=" + args.address)
    check("No key found" in find(By.ID, "result").text, "search no longer finds the address")


if __name__ == "__main__":
    main()
