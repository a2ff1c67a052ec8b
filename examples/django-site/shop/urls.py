from django.urls import path

from . import views

urlpatterns = [
    path("", views.home),
    path("health", views.health),
    path("health/db", views.health_db),
    path("health/cache", views.health_cache),
    path("api/products", views.products),
    path("api/orders", views.orders),
]
