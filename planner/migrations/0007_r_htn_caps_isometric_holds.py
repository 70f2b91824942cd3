"""R-HTN as CLINICAL.md now says: the 10 s cap acts on isometric efforts, not on stretches.

A row the clinic has edited (another cap or other tags) is left as it is.
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from planner.engine.default_rules import DEFAULT_RULES
from planner.rule_seed import rules_seed

OLD_HTN_EXPLANATION = (
    "With high blood pressure or heart failure, no breath-holding or head-down positions, "
    "and no hold longer than 10 seconds"
)


def forward(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    rule_model = apps.get_model("planner", "ContraindicationRule")
    new = next(rule for rule in DEFAULT_RULES if rule.id == "R-HTN")
    rule_model.objects.filter(rule_id="R-HTN", max_hold_s=10, max_hold_tags=[]).update(
        max_hold_tags=sorted(new.max_hold_tags)
    )
    rule_model.objects.filter(rule_id="R-HTN", explanation=OLD_HTN_EXPLANATION).update(
        explanation=new.explanation
    )
    rules_seed(rule_model)


class Migration(migrations.Migration):
    dependencies = [("planner", "0006_rule_caution_forms")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
