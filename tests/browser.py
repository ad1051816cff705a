"""A built site in a real headless Chromium: serving it, visiting a page, and measuring how it
reads (the browser tests and scripts/screenshots.py share this)."""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

CHROMIUM = (
    os.environ.get("KPICTL_CHROMIUM")
    or shutil.which("chromium")
    or shutil.which("chromium-browser")
)
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--font-render-hinting=none",
]
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1440, "height": 900}


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(folder: Path, sub_path: str = "") -> Iterator[str]:
    """Serve ``folder`` on localhost; yield its address. With ``sub_path`` (``ai-kpis``), the
    site is served under it, as GitHub Pages serves a repository's site (/ai-kpis/)."""
    root = folder
    with tempfile.TemporaryDirectory() as holder:
        if sub_path:
            root = Path(holder)
            (root / sub_path).symlink_to(folder.resolve(), target_is_directory=True)
        handler = functools.partial(_Quiet, directory=str(root))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}" + (
                f"/{sub_path}" if sub_path else ""
            )
        finally:
            server.shutdown()
            server.server_close()


def launch(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)


class Visit:
    """One page load, recording console errors, outside requests and script dialogs."""

    def __init__(
        self,
        browser: Any,
        base: str,
        path: str,
        scheme: str = "light",
        viewport: dict[str, int] | None = None,
        javascript: bool = True,
    ) -> None:
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.dialogs: list[str] = []
        self.context = browser.new_context(
            viewport=viewport or LAPTOP, color_scheme=scheme, java_script_enabled=javascript
        )
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dismiss)
        self.page.on(
            "request",
            lambda r: (
                None if r.url.startswith((base, "data:", "blob:")) else self.outside.append(r.url)
            ),
        )
        self.page.goto(f"{base}/{path}", wait_until="networkidle")

    def _dismiss(self, dialog: Any) -> None:
        """A page that opens a dialog is a finding; the dialog is closed so the page goes on."""
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def screenshot(self, target: Path, *, full_page: bool = True) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(target), full_page=full_page, animations="disabled")

    def layout(self) -> dict[str, Any]:
        """What breaks reading on this page (see LAYOUT): empty lists when nothing does."""
        found: dict[str, Any] = self.page.evaluate(LAYOUT)
        return found

    def close(self) -> None:
        self.context.close()


# Measured in the page: the page wider than the window; a word in a table or a heading split
# across lines (a break after a hyphen or a slash is a line break, not a broken word; a word
# wider than its whole block may break rather than overflow); a number, date or commit id on
# more than one line; chart text drawn smaller than 10 px.
LAYOUT = """() => {
  const lines = (range) => {
    const tops = Array.from(range.getClientRects())
      .filter((r) => r.width > 0 && r.height > 0)
      .map((r) => r.top + r.height / 2)
      .sort((a, b) => a - b);
    let count = tops.length ? 1 : 0;
    for (let i = 1; i < tops.length; i++) if (tops[i] - tops[i - 1] > 4) count++;
    return count;
  };
  const textNodes = (root) => {
    const found = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: (n) => (n.parentElement.closest("svg") || !n.textContent.trim())
        ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
    });
    while (walker.nextNode()) found.push(walker.currentNode);
    return found;
  };
  const visible = (el) => el.getClientRects().length > 0;
  const page = document.documentElement;
  const out = {
    width: page.scrollWidth,
    window: window.innerWidth,
    broken_words: [],
    wrapped_values: [],
    small_chart_text: [],
  };
  const wordRoots = document.querySelectorAll(
    "article table.kpictl th, article table.kpictl td, article table.kpictl caption, " +
    "article h1, article h2, article h3");
  for (const root of wordRoots) {
    if (!visible(root)) continue;
    for (const node of textNodes(root)) {
      const pattern = /[^\\s\\-\\u2013\\/]+[\\-\\u2013\\/]?/g;
      let match;
      while ((match = pattern.exec(node.textContent))) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        // A word wider than its block cannot stay whole without overflowing: it may break.
        const width = Array.from(range.getClientRects()).reduce((sum, r) => sum + r.width, 0);
        const block = node.parentElement.closest("td, th, caption, h1, h2, h3");
        if (lines(range) > 1 && width < block.clientWidth - 1) out.broken_words.push(match[0]);
      }
    }
  }
  const valueRoots = document.querySelectorAll(
    "article td.num, article .date, article .kpictl-commit, article span.num, " +
    "article .kpictl-tile-value, article .kpictl-counts strong");
  for (const root of valueRoots) {
    if (!visible(root)) continue;
    for (const node of textNodes(root)) {
      const range = document.createRange();
      range.selectNodeContents(node);
      if (lines(range) > 1) out.wrapped_values.push(node.textContent.trim());
    }
  }
  for (const text of document.querySelectorAll("svg.kpictl-chart text")) {
    if (!visible(text)) continue;
    const drawn = parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a;
    if (drawn < 9.99) out.small_chart_text.push(`${text.textContent}: ${drawn.toFixed(1)} px`);
  }
  return out;
}"""


# Every page type of the demo: home, portfolio, the two indexes, a KPI in days that misses its
# target now, a KPI in money, a stuck proof of concept, a project going to production, a
# launched one, and a hand-written page.
DEMO_PAGES = [
    "index.html",
    "portfolio.html",
    "projects/index.html",
    "kpis/index.html",
    "kpis/environment_promotion_time.html",
    "kpis/cost_per_additional_project.html",
    "projects/contract-review.html",
    "projects/translation-hub.html",
    "projects/support-assistant.html",
    "about.html",
]

# The large demo's pages: those both demos have, the roadmap, the attention list, the teams and a
# long-named team, the most urgent stuck proof of concept, a project with costs in a currency
# without a rate, and the warnings (a revision that does not validate).
LARGE_DEMO_PAGES = [
    "index.html",
    "portfolio.html",
    "projects/index.html",
    "kpis/index.html",
    "kpis/environment_promotion_time.html",
    "kpis/cost_per_additional_project.html",
    "roadmap.html",
    "attention.html",
    "teams/index.html",
    "teams/engineering.html",
    "projects/voice-incident-assistant.html",
    "projects/agentic-incident-triage.html",
    "warnings.html",
]
# The pages of an organisation's size, on both demos (the small demo's team page is its first).
SIZE_PAGES = ["roadmap.html", "attention.html", "teams/index.html"]
LARGE_DEMO_SUB_PATH = "ai-portfolio-kpis"  # its repo_url's name: GitHub Pages serves it there
