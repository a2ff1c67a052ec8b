import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from unittest import mock

from django.core.management import call_command
from django.db import DatabaseError
from django.test import Client, SimpleTestCase, TestCase, override_settings

SITE = Path(__file__).resolve().parent.parent


class HealthTests(TestCase):
    def test_health_checks_answer_ok(self):
        for path in ("/health", "/health/db", "/health/cache"):
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.content, b"ok")

    def test_database_check_fails_with_503(self):
        with mock.patch("shop.views.connection.cursor", side_effect=DatabaseError("unable to open database file")):
            response = self.client.get("/health/db")
        self.assertEqual(response.status_code, 503)

    def test_cache_check_fails_with_503(self):
        with mock.patch("shop.views.cache.get", return_value=None):
            response = self.client.get("/health/cache")
        self.assertEqual(response.status_code, 503)


class ApiTests(TestCase):
    def test_products_come_from_the_seed_migration(self):
        response = self.client.get("/api/products")
        self.assertEqual(response.status_code, 200)
        products = response.json()
        self.assertEqual([p["name"] for p in products], ["Espresso cup", "Pour-over kettle", "Burr grinder"])
        self.assertEqual(set(products[0]), {"id", "name", "price_cents"})

    def test_an_order_is_accepted_without_a_csrf_token(self):
        client = Client(enforce_csrf_checks=True)
        response = client.post("/api/orders", {"items": [1, 2]}, content_type="application/json")
        self.assertEqual(response.status_code, 201)
        body = response.json()
        self.assertEqual(body["items"], [1, 2])
        self.assertEqual(len(body["id"]), 36)
        self.assertNotEqual(body["id"], client.post("/api/orders", {}, content_type="application/json").json()["id"])

    def test_an_order_needs_a_json_object(self):
        for body in ("not json", "[1, 2]"):
            with self.subTest(body=body):
                response = self.client.post("/api/orders", body, content_type="application/json")
                self.assertEqual(response.status_code, 400)

    def test_orders_take_only_post(self):
        self.assertEqual(self.client.get("/api/orders").status_code, 405)


STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)">')


class PageTests(TestCase):
    def test_the_page_names_the_hashed_stylesheet_that_collectstatic_wrote(self):
        with tempfile.TemporaryDirectory() as root, override_settings(STATIC_ROOT=root):
            call_command("collectstatic", "--noinput", verbosity=0)
            response = self.client.get("/")
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, "Espresso cup")
            href = STYLESHEET.search(response.content.decode()).group(1)
            self.assertRegex(href, r"^/static/shop/site\.[0-9a-f]{12}\.css$")
            written = Path(root, href[len("/static/"):])
            self.assertEqual(written.read_bytes(), Path(SITE, "shop/static/shop/site.css").read_bytes())
            self.assertTrue(Path(root, "shop/site.css").is_file())
            self.assertTrue(Path(root, "staticfiles.json").is_file())

    @override_settings(STATIC_URL="/assets/", STATICFILES_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage")
    def test_the_stylesheet_url_starts_with_static_url(self):
        # Without collectstatic's manifest (a checkout, tests) the plain storage gives the plain name.
        self.assertContains(self.client.get("/"), '<link rel="stylesheet" href="/assets/shop/site.css">')


class HeaderTests(TestCase):
    def test_every_response_names_colour_and_release(self):
        with mock.patch.dict(os.environ, {"COLOR": "green", "RELEASE_ID": "20240101-abc1234"}):
            client = Client()  # a new handler: the middleware reads the environment when it is made
            for path in ("/health", "/api/products", "/no-such-page"):
                with self.subTest(path=path):
                    response = client.get(path)
                    self.assertEqual(response["X-App-Color"], "green")
                    self.assertEqual(response["X-App-Version"], "20240101-abc1234")

    def test_hosts_with_a_port_are_allowed(self):
        for host in ("localhost:8080", "127.0.0.1:18080", "localhost"):
            with self.subTest(host=host):
                self.assertEqual(self.client.get("/health", HTTP_HOST=host).status_code, 200)

    def test_other_hosts_are_refused(self):
        with self.assertLogs("django.security.DisallowedHost", "ERROR"):
            response = self.client.get("/health", HTTP_HOST="evil.example")
        self.assertEqual(response.status_code, 400)
        self.assertIn("X-App-Color", response)


def run_python(code, **env):
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DJANGO_SETTINGS_MODULE": "mysite.settings"}
    return subprocess.run([sys.executable, "-c", code], cwd=SITE, env={**base, **env}, capture_output=True, text=True)


class SettingsTests(SimpleTestCase):
    def test_serving_without_a_secret_key_is_refused_with_a_clear_error(self):
        result = run_python("import mysite.wsgi")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("DJANGO_SECRET_KEY is not set", result.stderr)

    def test_debug_allows_the_development_key(self):
        result = run_python("from django.conf import settings; print(settings.DEBUG, settings.SECRET_KEY[:15])", DJANGO_DEBUG="1")
        self.assertEqual(result.stdout.strip(), "True django-insecure")

    def test_settings_come_from_the_environment(self):
        code = "from django.conf import settings; print(settings.DEBUG, settings.ALLOWED_HOSTS)"
        result = run_python(code, DJANGO_SECRET_KEY="s" * 50, DJANGO_ALLOWED_HOSTS="shop.example, localhost")
        self.assertEqual(result.stdout.strip(), "False ['shop.example', 'localhost']")

    def test_static_url_comes_from_assets_base_url(self):
        code = "from django.conf import settings; print(settings.STATIC_URL)"
        self.assertEqual(run_python(code, DJANGO_DEBUG="1").stdout.strip(), "/static/")
        self.assertEqual(run_python(code, DJANGO_DEBUG="1", ASSETS_BASE_URL="https://cdn.example/shop/").stdout.strip(), "https://cdn.example/shop/")

