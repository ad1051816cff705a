"""Screenshots of the demo site, from the same Playwright set-up as the browser tests.

    python scripts/screenshots.py [--all]

Builds both demo portfolios (`kpictl demo`, and `--size large` served under its repository's
name; fixed dates, so the same pages every time), serves them on localhost and writes the
README's pictures to docs/screenshots/; with --all, also every page type of each at 390 and 1440
px in the light and dark palettes to test-artifacts/screenshots/, for a person to look at.
The pictures are regenerated, never compared pixel by pixel.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import (  # noqa: E402
    CHROMIUM,
    DEMO_PAGES,
    LAPTOP,
    LARGE_DEMO_PAGES,
    LARGE_DEMO_SUB_PATH,
    PHONE,
    SIZE_PAGES,
    Visit,
    launch,
    serve,
)
from tests.sitefixture import build_demo  # noqa: E402

# (file, page, viewport, palette) of each demo: the README shows the home page and a stuck
# project of the small one, the home page and the roadmap of the large one.
README = {
    "small": [
        ("home.png", "index.html", LAPTOP, "light"),
        ("project.png", "projects/contract-review.html", LAPTOP, "light"),
        ("home-phone-dark.png", "index.html", PHONE, "dark"),
    ],
    "large": [
        ("large-home.png", "index.html", LAPTOP, "light"),
        ("large-roadmap.png", "roadmap.html", LAPTOP, "light"),
        ("large-home-phone.png", "index.html", PHONE, "light"),
    ],
}
EVERY_PAGE = {"small": [*DEMO_PAGES, *SIZE_PAGES], "large": LARGE_DEMO_PAGES}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="every page type, both widths")
    args = parser.parse_args(argv)
    if CHROMIUM is None:
        sys.exit("screenshots: Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = launch(pw)
        for size in ("small", "large"):
            site = build_demo(Path(tmp), size)
            sub_path = LARGE_DEMO_SUB_PATH if size == "large" else ""
            with serve(site, sub_path) as url:
                shots = [
                    (ROOT / "docs" / "screenshots" / f, p, v, s, False)
                    for f, p, v, s in README[size]
                ]
                if args.all:
                    for page in EVERY_PAGE[size]:
                        for viewport in (PHONE, LAPTOP):
                            for scheme in ("light", "dark"):
                                name = f"{size}-{page.replace('/', '_').removesuffix('.html')}"
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
