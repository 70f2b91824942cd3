"""Push subscriptions stored before endpoints were checked, whose address is not a browser's
push service that PUSH_SERVICE_HOSTS allows (or is malformed), are deleted: the server would
otherwise connect there. The browser registers a real one again when the patient next turns
notifications on."""

from typing import Any

from django.db import migrations


def delete_disallowed_endpoints(apps: Any, schema_editor: Any) -> None:
    from notifications.push_endpoints import push_endpoint_problem

    subscriptions = apps.get_model("notifications", "PushSubscription")
    doomed = [
        pk
        for pk, endpoint in subscriptions.objects.values_list("pk", "endpoint").iterator()
        if push_endpoint_problem(endpoint) is not None
    ]
    for start in range(0, len(doomed), 500):
        subscriptions.objects.filter(pk__in=doomed[start : start + 500]).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0005_claim_send_mark")]

    operations = [
        migrations.RunPython(delete_disallowed_endpoints, migrations.RunPython.noop, elidable=True)
    ]
