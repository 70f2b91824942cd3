"""Page-numbered lists: 25 a page by default, `page_size` up to 100."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class ApiPagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


PAGE_PARAMETERS = [
    OpenApiParameter("page", OpenApiTypes.INT, description="Page number, from 1."),
    OpenApiParameter(
        "page_size",
        OpenApiTypes.INT,
        description=f"Rows a page: {ApiPagination.page_size} by default, at most "
        f"{ApiPagination.max_page_size}.",
    ),
]


def paginated_response(
    *,
    request: Request,
    view: APIView,
    rows: QuerySet[Any],
    serializer_class: type[serializers.Serializer],
    context: dict[str, Any] | None = None,
) -> Response:
    paginator = ApiPagination()
    page = paginator.paginate_queryset(rows, request, view=view)
    data = serializer_class(page, many=True, context={"request": request, **(context or {})}).data
    return paginator.get_paginated_response(data)


def page_of(serializer_class: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """The schema of one page of `serializer_class` rows (count, next, previous, results)."""
    name = serializer_class.__qualname__.replace(".", "").replace("Serializer", "") + "Page"
    fields: dict[str, Any] = {
        "count": serializers.IntegerField(help_text="Rows in all pages."),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": serializer_class(many=True),
    }
    page = type(name, (serializers.Serializer,), fields)
    page.__qualname__ = name
    return page
