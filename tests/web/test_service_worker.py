"""The service worker's version follows the app's static files, so a deploy reaches phones.

sw.js names a cache after the assets' version and lists their URLs; the browser compares
sw.js byte for byte on each visit, so it must change exactly when an asset does.
"""

import re
import shutil

import pytest
from django.test import Client

from tests.web.conftest import from_the_service_worker
from tests.web.static_deploy import WEB_STATIC, StaticDeploys
from web.assets import APP_ASSETS, asset_urls, assets_version

HASHED = re.compile(r"^/static/web/[\w-]+\.[0-9a-f]{12}\.\w+$")


def sw_version(client: Client) -> str:
    body = client.get("/app/sw.js").content.decode()
    match = re.search(r'^const VERSION = "([0-9a-f]+)";$', body, re.MULTILINE)
    assert match, body[:500]
    return match.group(1)


@pytest.fixture
def deploys(settings, tmp_path) -> StaticDeploys:
    return StaticDeploys(settings, tmp_path)


def test_sw_js_is_checked_on_every_visit_and_names_this_version(client):
    response = client.get("/app/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert f'const VERSION = "{assets_version()}";' in body
    assert 'const ASSETS = "rehab-assets-" + VERSION;' in body
    # The pages it asks for say which version it holds (web.assets.page_inlines_assets).
    assert "navigationPreload.setHeaderValue(VERSION)" in body
    for url in asset_urls().values():
        assert f'"{url}"' in body


def test_in_development_the_version_follows_the_files_content(client, settings, tmp_path):
    before = sw_version(client)
    # A folder of copies found before the app's own: unchanged copies, the same version.
    shutil.copytree(WEB_STATIC, tmp_path / "static")
    settings.STATICFILES_DIRS = [tmp_path / "static"]
    assert sw_version(client) == before
    css = tmp_path / "static" / "web" / "app.css"
    original = css.read_bytes()
    css.write_bytes(original + b"\n.new { color: red; }\n")
    changed = sw_version(client)
    assert changed != before
    assert sw_version(client) == changed  # asked again, nothing changed
    css.write_bytes(original)
    assert sw_version(client) == before


def test_in_production_sw_js_names_the_hashed_files(client, deploys):
    deploys.deploy()
    body = client.get("/app/sw.js").content.decode()
    urls = asset_urls()
    assert sorted(urls) == sorted(APP_ASSETS)
    for url in urls.values():
        assert HASHED.match(url), url
        assert f'"{url}"' in body
    assert "/static/web/app.css" not in body


def test_in_production_the_version_changes_with_a_file_and_only_then(client, deploys):
    deploys.deploy()
    first, first_css = sw_version(client), asset_urls()["web/app.css"]
    deploys.deploy()  # the same files again
    assert sw_version(client) == first
    assert asset_urls()["web/app.css"] == first_css

    deploys.append("web/app.js", "\nwindow.appRelease = 2;\n")
    deploys.deploy()
    second = sw_version(client)
    assert second != first
    assert asset_urls()["web/app.css"] == first_css  # only app.js has a new name
    assert asset_urls()["web/app.js"] in client.get("/app/sw.js").content.decode()


def test_hashed_files_are_cached_for_ever_and_sw_js_never(deploys):
    deploys.deploy()
    client = Client()  # WhiteNoise reads the new STATIC_ROOT when the client starts
    hashed = client.get(asset_urls()["web/app.css"])
    assert hashed.status_code == 200
    assert hashed["Cache-Control"] == "max-age=315360000, public, immutable"
    assert b"--brand" in b"".join(hashed.streaming_content)
    assert client.get("/app/sw.js")["Cache-Control"] == "no-cache"


@pytest.mark.django_db
def test_pages_and_the_web_manifest_name_the_hashed_files(owner_client, deploys):
    deploys.deploy()
    urls = asset_urls()
    today = owner_client.get("/app/today/", headers=from_the_service_worker()).content.decode()
    assert f'href="{urls["web/app.css"]}"' in today
    assert f'src="{urls["web/app.js"]}"' in today
    manifest = owner_client.get("/app/manifest.webmanifest").json()
    icons = {icon["src"] for icon in manifest["icons"]}
    assert icons == {urls["web/icon-192.png"], urls["web/icon-512.png"], urls["web/icon.svg"]}


@pytest.mark.django_db
def test_todays_kept_page_is_rendered_again_after_a_deploy(owner_client, deploys):
    deploys.deploy()
    old_css = asset_urls()["web/app.css"]
    held = from_the_service_worker()
    assert old_css in owner_client.get("/app/today/", headers=held).content.decode()
    assert "--release" not in owner_client.get("/app/today/").content.decode()
    deploys.append("web/app.css", "\n:root { --release: 2; }\n")
    deploys.deploy()
    new_css = asset_urls()["web/app.css"]
    assert new_css != old_css
    # The worker that held the old files gets the page with the new stylesheet inside,
    # until it has installed the new version.
    today = owner_client.get("/app/today/", headers=held).content.decode()
    assert "--release: 2" in today and old_css not in today
    today = owner_client.get("/app/today/", headers=from_the_service_worker()).content.decode()
    assert new_css in today and old_css not in today
