"""Screenshots of the demo site, from the same Playwright set-up as the browser tests.

    python scripts/screenshots.py [--all]

Builds the demo portfolio (fixed dates, so the same pages every time), serves it on localhost and
writes the README's pictures to docs/screenshots/; with --all, also every page type at 390 and
1440 px in the light and dark palettes to test-artifacts/screenshots/, for a person to look at.
The pictures are regenerated, never compared pixel by pixel.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import CHROMIUM, DEMO_PAGES, LAPTOP, PHONE, Visit, launch, serve  # noqa: E402
from tests.conftest import run_kpictl  # noqa: E402

# (file, page, viewport, palette): the README shows the home page and a stuck project.
README = [
    ("home.png", "index.html", LAPTOP, "light"),
    ("project.png", "projects/contract-review.html", LAPTOP, "light"),
    ("home-phone-dark.png", "index.html", PHONE, "dark"),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="every page type, both widths")
    args = parser.parse_args(argv)
    if CHROMIUM is None:
        sys.exit("screenshots: Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        made = run_kpictl("demo", str(Path(tmp) / "demo"), cwd=Path(tmp))
        if made.code != 0:
            sys.exit(made.err)
        with serve(Path(tmp) / "demo" / "build" / "site") as url, sync_playwright() as pw:
            browser = launch(pw)
            shots = [(ROOT / "docs" / "screenshots" / f, p, v, s, False) for f, p, v, s in README]
            if args.all:
                for page in DEMO_PAGES:
                    for viewport in (PHONE, LAPTOP):
                        for scheme in ("light", "dark"):
                            name = f"{page.replace('/', '_').removesuffix('.html')}"
                            name += f"-{viewport['width']}-{scheme}.png"
                            target = ROOT / "test-artifacts" / "screenshots" / name
                            shots.append((target, page, viewport, scheme, True))
            for target, page, viewport, scheme, full in shots:
                visit = Visit(browser, url, page, scheme, viewport)
                try:
                    visit.screenshot(target, full_page=full)
                finally:
                    visit.close()
                print(target.relative_to(ROOT))
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
