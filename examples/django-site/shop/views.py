import json
import logging
import uuid

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from .models import Product

logger = logging.getLogger(__name__)


def plain(text, status=200):
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


@require_GET
def home(request):
    return render(request, "shop/index.html", {"products": Product.objects.all()})


@require_GET
def health(request):
    return plain("ok")


@require_GET
def health_db(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("health/db: %s", error)
        return plain("database unavailable", status=503)
    return plain("ok")


@require_GET
def health_cache(request):
    key = f"health:{uuid.uuid4().hex}"
    try:
        cache.set(key, "ok", timeout=10)
        value = cache.get(key)
        cache.delete(key)
    except Exception as error:  # any backend's failure means the same thing here
        logger.warning("health/cache: %s", error)
        return plain("cache unavailable", status=503)
    if value != "ok":
        return plain("cache unavailable", status=503)
    return plain("ok")


@require_GET
def products(request):
    return JsonResponse([product.as_json() for product in Product.objects.all()], safe=False)


@csrf_exempt  # a JSON API for other programs: no cookies, so no CSRF token to check
@require_POST
def orders(request):
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"error": "expected a JSON body"}, status=400)
    if not isinstance(body, dict):
        return JsonResponse({"error": "expected a JSON object"}, status=400)
    # The order is accepted and echoed, not stored. SQLite takes one writer at a time for the whole
    # file: during a switch both colours' workers and threads would write at once, and beyond its
    # busy timeout SQLite answers "database is locked", a 500 for the client. Nor is it counted in
    # the cache: locmem is per process, so a count would differ from worker to worker. A real shop
    # would queue the order, or store it in a database server such as PostgreSQL.
    return JsonResponse({"id": str(uuid.uuid4()), "items": body.get("items", []), "status": "accepted"}, status=201)
