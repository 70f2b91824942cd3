"""The contraindication rules as editable rows, cited by their ids."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from planner.models import (
    ContraindicationRule,
)


@admin.register(ContraindicationRule)
class ContraindicationRuleAdmin(admin.ModelAdmin):
    list_display = ("rule_id", "explanation", "block_tags", "caution_tags", "is_active")
    list_filter = ("is_active", "caution_action")
    search_fields = ("rule_id", "explanation")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # Plans cite rules by id: an id never changes once a rule exists.
        return ("rule_id",) if obj is not None else ()
