"""The site under a GitHub Pages sub-path: the demo's site, built in a repository whose `origin`
is on GitHub, is served under /REPO/ only (everything else 404s, as on github.io), and a crawl of
every page, 404.html included, follows every link and asset (href, src, srcset, sitemap.xml):
none is broken. site_url comes, in order, from site/mkdocs.yml, site.url, a CNAME file, a
GitHub remote; without any, the build says so in a note."""

from __future__ import annotations

import http.server
import re
import subprocess
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from tests.conftest import run_kpictl
from tests.gitutil import HistoryRepo, project_yaml

REPO = "kpis"


class _SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the folder at /REPO/ and nothing else, with 404.html for a missing page."""

    def translate_path(self, path: str) -> str:
        # /kpis/x maps to <folder>/x; anything outside /kpis/ maps to a name that never exists
        clean = urlsplit(path).path
        if not clean.startswith(f"/{REPO}/"):
            return str(Path(self.directory) / ".outside-the-sub-path")
        return super().translate_path(clean[len(REPO) + 1 :])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve_under_sub_path(folder: Path) -> Iterator[str]:
    handler = partial(_SubPathHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if not value:
                continue
            if name in ("href", "src") or (tag == "link" and name == "href"):
                self.found.append(value)
            elif name in ("srcset", "imagesrcset"):
                self.found.extend(part.strip().split(" ")[0] for part in value.split(","))


def _fetch(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read(), response.headers.get_content_type()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), exc.headers.get_content_type()


def crawl(root: str, start_pages: list[str]) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """Every page and asset reachable from ``start_pages`` on the server at ``root``: the
    status of each URL fetched, and the (page, link) pairs that lead to a status other than
    200 or out of the sub-path."""
    seen: dict[str, int] = {}
    broken: list[tuple[str, str]] = []
    queue = [(page, "start") for page in start_pages]
    while queue:
        url, referrer = queue.pop()
        url = urldefrag(url)[0]
        if url in seen:
            continue
        if not url.startswith(f"{root}/{REPO}/"):
            broken.append((referrer, url))
            seen[url] = 0
            continue
        status, body, kind = _fetch(url)
        seen[url] = status
        is_404_page = url.endswith("/404.html")
        if status != 200 and not is_404_page:
            broken.append((referrer, url))
        links: list[str] = []
        if kind == "text/html":
            parser = _Links()
            parser.feed(body.decode("utf-8"))
            links = parser.found
        elif url.endswith("sitemap.xml"):
            links = re.findall(r"<loc>([^<]+)</loc>", body.decode("utf-8"))
            links = [_on_server(link, root) for link in links]
        for link in links:
            if link.startswith(("mailto:", "data:", "javascript:")) or link.startswith("#"):
                continue
            if urlsplit(link).hostname == "acme.github.io":  # canonical links: the site itself
                link = _on_server(link, root)
            elif link.startswith(("http://", "https://")) and not link.startswith(root):
                continue  # commit links go to github.com
            queue.append((urljoin(url, link), url))
    return seen, broken


def _on_server(loc: str, root: str) -> str:
    """A sitemap's https://acme.github.io/kpis/x as the test server's /kpis/x."""
    parts = urlsplit(loc)
    assert parts.hostname == "acme.github.io", loc
    return f"{root}{parts.path}"


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("subpath") / "demo"
    result = run_kpictl("demo", str(folder), cwd=folder.parent)
    assert result.code == 0, result.err
    remote = f"git@github.com:Acme/{REPO}.git"
    subprocess.run(["git", "remote", "add", "origin", remote], cwd=folder, check=True)
    result = run_kpictl("build", "--strict", "--out", "public", cwd=folder)
    assert result.code == 0, result.err
    assert "site_url" not in result.err  # the remote gave one: no note
    return folder / "public"


@pytest.mark.slow
def test_every_link_and_asset_of_every_page_works_under_the_sub_path(demo_site):
    pages = sorted(p.relative_to(demo_site).as_posix() for p in demo_site.rglob("*.html"))
    assert "404.html" in pages and len(pages) > 30
    with serve_under_sub_path(demo_site) as root:
        starts = [f"{root}/{REPO}/{page}" for page in pages]
        seen, broken = crawl(root, [*starts, f"{root}/{REPO}/sitemap.xml"])
        # the server itself keeps to the sub-path, as github.io does for a project site
        assert _fetch(f"{root}/assets/kpictl.css")[0] == 404
        assert _fetch(f"{root}/{REPO}/no-such-page.html")[0] == 404
    assert broken == []
    assets = [url for url in seen if url.endswith((".css", ".js", ".svg", ".png"))]
    assert len(assets) >= 5, assets
    sitemap = (demo_site / "sitemap.xml").read_text(encoding="utf-8")
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert f"https://acme.github.io/{REPO}/index.html" in locs
    assert len(locs) == len(pages) - 1  # every page but 404.html


@pytest.mark.slow
def test_without_site_url_the_404_page_leaves_the_sub_path(tmp_path):
    """What the crawl guards against: with no remote and no site.url, a note says so, and
    404.html links to /assets/... at the server's root, outside /REPO/."""
    repo = small_repo(tmp_path)
    result = run_kpictl("build", "--out", str(tmp_path / "out"), cwd=repo.path)
    assert result.code == 0, result.err
    assert "kpictl: note: the site has no site_url" in result.err
    assert "site.url in kpictl.yaml" in result.err
    with serve_under_sub_path(tmp_path / "out") as root:
        _, broken = crawl(root, [f"{root}/{REPO}/404.html"])
    assert any(link.startswith(f"{root}/assets/") for _, link in broken), broken


def small_repo(tmp_path: Path, files: dict[str, str] | None = None) -> HistoryRepo:
    repo = HistoryRepo(tmp_path / "kpis")
    repo.commit(
        "2025-01-06T09:00:00+00:00",
        {"projects/alpha.yaml": project_yaml("alpha", "Alpha"), **(files or {})},
    )
    return repo


def built_site_url(repo: HistoryRepo, out: Path, remote: str | None = None) -> str | None:
    """The site_url the build gave MkDocs, read back from the sitemap's first location."""
    if remote:
        subprocess.run(["git", "remote", "add", "origin", remote], cwd=repo.path, check=True)
    result = run_kpictl("build", "--out", str(out), cwd=repo.path)
    assert result.code == 0, result.err
    locs = re.findall(r"<loc>([^<]+)</loc>", (out / "sitemap.xml").read_text(encoding="utf-8"))
    if not locs:
        assert "no site_url" in result.err
        return None
    assert "no site_url" not in result.err
    return locs[0].removesuffix("index.html")


@pytest.mark.parametrize(
    ("remote", "expected"),
    [
        ("https://github.com/Acme/kpis.git", "https://acme.github.io/kpis/"),
        ("git@github.com:Acme/kpis.git", "https://acme.github.io/kpis/"),
        ("ssh://git@github.com/acme/KPIs", "https://acme.github.io/KPIs/"),
        ("https://github.com/Acme/acme.github.io", "https://acme.github.io/"),
        ("https://gitlab.com/acme/kpis.git", None),
        ("https://github.example.com/acme/kpis.git", None),
    ],
)
def test_a_github_remote_gives_its_pages_address(tmp_path, remote, expected):
    assert built_site_url(small_repo(tmp_path), tmp_path / "out", remote) == expected


def test_the_order_mkdocs_yml_then_site_url_then_cname_then_remote(tmp_path):
    remote = "https://github.com/acme/kpis.git"
    cname = {"site/CNAME": "kpis.example.org\n"}
    configured = {"kpictl.yaml": "site:\n  url: https://example.net/portfolio\n"}
    own = {"site/mkdocs.yml": "site_name: KPIs\nsite_url: https://own.example.com/x/\n"}
    cases = [
        ({**cname}, "https://kpis.example.org/"),
        ({**cname, **configured}, "https://example.net/portfolio/"),
        ({**cname, **configured, **own}, "https://own.example.com/x/"),
    ]
    for k, (files, expected) in enumerate(cases):
        repo = small_repo(tmp_path / str(k), files)
        assert built_site_url(repo, tmp_path / str(k) / "out", remote) == expected
    assert (tmp_path / "0" / "out" / "CNAME").read_text() == "kpis.example.org\n"  # published


def test_site_url_must_be_a_web_address(tmp_path):
    repo = small_repo(tmp_path, {"kpictl.yaml": "site:\n  url: kpis.example.org\n"})
    result = run_kpictl("build", "--out", str(tmp_path / "out"), cwd=repo.path)
    assert result.code == 2, result.err
    assert "kpictl.yaml:2" in result.err and "url" in result.err
