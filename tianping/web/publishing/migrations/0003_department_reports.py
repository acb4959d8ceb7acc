"""The self-evaluations now live in collection.DepartmentReport (copied by collection 0004)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('publishing', '0002_job_heartbeat'),
        ('collection', '0004_department_reports'),
    ]

    operations = [
        migrations.DeleteModel(
            name='DepartmentSelfEvaluation',
        ),
    ]
