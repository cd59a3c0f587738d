#!/usr/bin/env python3
"""Take docs/report.png: the HTML report of the example article, in headless Chromium.

    python3 docs/screenshot.py [--hover N] [--out docs/report.png]

Needs Debian's chromium and chromium-driver and the selenium package (the test extra).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--input", default="examples/grain-corridor-draft.txt")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "report.png")
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=1180)
    ap.add_argument("--hover", type=int, default=9, help="finding whose hover card is shown (-1: none)")
    ap.add_argument("--click", type=int, default=-1, help="finding whose rule panel is open (-1: none)")
    ap.add_argument("--full", action="store_true", help="make the window as tall as the page")
    args = ap.parse_args()

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.html"
        subprocess.run([sys.executable, "-m", "lintnews", "check", args.input, "--format", "html", "-o", str(report)],
                       cwd=ROOT, check=False)
        opts = webdriver.ChromeOptions()
        opts.binary_location = "/usr/bin/chromium"
        for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                  f"--window-size={args.width},{args.height}", "--force-device-scale-factor=1"):
            opts.add_argument(a)
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
        try:
            driver.set_window_size(args.width, args.height)
            driver.get(report.as_uri())
            if args.full:  # the whole page, not just the first screen
                extra = driver.execute_script("return window.outerHeight - window.innerHeight")
                height = driver.execute_script("return document.documentElement.scrollHeight")
                driver.set_window_size(args.width, height + extra)
            if args.hover >= 0:
                m = driver.find_element(By.ID, f"f{args.hover}")
                ActionChains(driver).move_to_element(m).perform()
            if args.click >= 0:
                driver.find_element(By.ID, f"f{args.click}").click()
            driver.save_screenshot(str(args.out))
        finally:
            driver.quit()
    print(args.out)


if __name__ == "__main__":
    main()
