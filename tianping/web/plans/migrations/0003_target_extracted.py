"""Target.extracted: what the parser read at import, so the office's corrections show.

Targets stored before this migration have no record of what was extracted; they are
taken as extracted as they stand now (shown as not corrected), rather than all being
shown as added by the office."""

from django.db import migrations, models

CORRECTABLE = ("year", "op", "value", "upper", "unit", "base_year", "tolerance", "kind")


def backfill(apps, schema_editor):
    Target = apps.get_model("plans", "Target")
    batch = []
    for target in Target.objects.filter(extracted__isnull=True).iterator(chunk_size=2000):
        target.extracted = {name: getattr(target, name) for name in CORRECTABLE}
        batch.append(target)
        if len(batch) >= 2000:
            Target.objects.bulk_update(batch, ["extracted"])
            batch = []
    Target.objects.bulk_update(batch, ["extracted"])


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0002_target_op_labels'),
    ]

    operations = [
        migrations.AddField(
            model_name='target',
            name='extracted',
            field=models.JSONField(blank=True, editable=False, null=True, verbose_name='as extracted from the document'),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
