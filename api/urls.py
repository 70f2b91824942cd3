"""The REST API: /api/v1/ and its OpenAPI schema."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
