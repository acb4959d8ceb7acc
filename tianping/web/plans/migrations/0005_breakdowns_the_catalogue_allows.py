"""Breakdown flags the linked catalogue entry does not allow are cleared (issue 12: age groups and
城镇/农村 are enforced like sex). Indicators saved since are kept so by Indicator.save."""

from django.db import migrations

FLAGS = (("by_sex", "sex"), ("by_age", "age"), ("by_residence", "residence"))


def clear(apps, schema_editor):
    Indicator = apps.get_model("plans", "Indicator")
    for indicator in Indicator.objects.exclude(catalogue=None).select_related("catalogue").iterator():
        allowed = indicator.catalogue.disaggregations or []
        changed = [flag for flag, key in FLAGS if getattr(indicator, flag) and key not in allowed]
        if changed:
            for flag in changed:
                setattr(indicator, flag, False)
            indicator.save(update_fields=changed)


class Migration(migrations.Migration):
    dependencies = [("plans", "0004_indicator_catalogue"), ("catalogue", "0001_initial")]
    operations = [migrations.RunPython(clear, migrations.RunPython.noop)]
