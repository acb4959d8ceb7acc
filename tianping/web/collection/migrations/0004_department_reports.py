"""One home for a department's own report text (issue 11): the annual work report that was
kept on Submission (work_progress, work_problems, work_next_year) and the self-evaluation
that was publishing.DepartmentSelfEvaluation both become collection.DepartmentReport.
Every text is copied, with its state and times, and the audit history of those texts
(orgs.FieldChange) is pointed at the new records, before the old fields and the old model
go (publishing 0003). Reversible: the texts are copied back."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


OLD_FIELDS = {"work_progress": "progress", "work_problems": "problems", "work_next_year": "next_steps"}


def forward(apps, schema_editor):
    Submission = apps.get_model("collection", "Submission")
    DepartmentReport = apps.get_model("collection", "DepartmentReport")
    SelfEvaluation = apps.get_model("publishing", "DepartmentSelfEvaluation")
    FieldChange = apps.get_model("orgs", "FieldChange")
    db = schema_editor.connection.alias   # the database being migrated (a restore migrates another one)
    for sub in Submission.objects.using(db).select_related("round").order_by("pk"):
        texts = {new: getattr(sub, old) for old, new in OLD_FIELDS.items()}
        if not any(t.strip() for t in texts.values()):
            continue
        filed = sub.first_submitted_at is not None and sub.state != "draft"
        report = DepartmentReport.objects.using(db).create(
            region_id=sub.round.region_id, department_id=sub.department_id, year=sub.round.year, plan=None,
            state="submitted" if filed else "draft", submitted_at=sub.submitted_at if filed else None, **texts)
        for old, new in OLD_FIELDS.items():
            FieldChange.objects.using(db).filter(model="collection.Submission", object_id=sub.pk, field=old).update(
                model="collection.DepartmentReport", object_id=report.pk, field=new)
    for e in SelfEvaluation.objects.using(db).order_by("pk"):
        report = DepartmentReport.objects.using(db).create(
            region_id=e.region_id, department_id=e.department_id, year=e.year, plan_id=e.plan_id,
            progress=e.progress, problems=e.problems, next_steps=e.next_steps, state=e.state,
            updated_by_id=e.updated_by_id, submitted_at=e.submitted_at)
        DepartmentReport.objects.using(db).filter(pk=report.pk).update(updated_at=e.updated_at)   # keep its form version
        FieldChange.objects.using(db).filter(model="publishing.DepartmentSelfEvaluation", object_id=e.pk).update(
            model="collection.DepartmentReport", object_id=report.pk)


def backward(apps, schema_editor):
    Submission = apps.get_model("collection", "Submission")
    DepartmentReport = apps.get_model("collection", "DepartmentReport")
    SelfEvaluation = apps.get_model("publishing", "DepartmentSelfEvaluation")
    FieldChange = apps.get_model("orgs", "FieldChange")
    db = schema_editor.connection.alias   # the database being migrated (a restore migrates another one)
    for r in DepartmentReport.objects.using(db).order_by("pk"):
        changes = FieldChange.objects.using(db).filter(model="collection.DepartmentReport", object_id=r.pk)
        if r.plan_id is None:
            sub = Submission.objects.using(db).filter(round__region_id=r.region_id, round__year=r.year,
                                            department_id=r.department_id).first()
            if sub is None:
                continue
            for old, new in OLD_FIELDS.items():
                setattr(sub, old, getattr(r, new))
                changes.filter(field=new).update(model="collection.Submission", object_id=sub.pk, field=old)
            sub.save(update_fields=list(OLD_FIELDS))
        else:
            e = SelfEvaluation.objects.using(db).create(
                plan_id=r.plan_id, region_id=r.region_id, department_id=r.department_id, year=r.year,
                progress=r.progress, problems=r.problems, next_steps=r.next_steps, state=r.state,
                updated_by_id=r.updated_by_id, submitted_at=r.submitted_at)
            changes.update(model="publishing.DepartmentSelfEvaluation", object_id=e.pk)



class Migration(migrations.Migration):

    dependencies = [
        ('collection', '0003_round_events'),
        ('publishing', '0002_job_heartbeat'),
        ('orgs', '0004_field_changes'),
        ('plans', '0005_breakdowns_the_catalogue_allows'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='DepartmentReport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                ('progress', models.TextField(blank=True, verbose_name='work done and results')),
                ('problems', models.TextField(blank=True, verbose_name='problems and difficulties')),
                ('next_steps', models.TextField(blank=True, verbose_name='next steps')),
                ('state', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted')], default='draft', max_length=10, verbose_name='state')),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('submitted_at', models.DateTimeField(blank=True, null=True)),
                ('department', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reports', to='orgs.department', verbose_name='department')),
                ('plan', models.ForeignKey(blank=True, help_text='Set for a self-evaluation of the plan; empty for the annual work report.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='department_reports', to='plans.plan', verbose_name='plan')),
                ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orgs.region', verbose_name='region')),
                ('updated_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'department report',
                'verbose_name_plural': 'department reports',
                'ordering': ['year', 'department__name', 'plan'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('plan__isnull', False)), fields=('plan', 'region', 'department', 'year'), name='department_report_one_per_plan'), models.UniqueConstraint(condition=models.Q(('plan__isnull', True)), fields=('region', 'department', 'year'), name='department_report_one_annual')],
            },
        ),
        migrations.RunPython(forward, backward),
        migrations.RemoveField(
            model_name='submission',
            name='work_next_year',
        ),
        migrations.RemoveField(
            model_name='submission',
            name='work_problems',
        ),
        migrations.RemoveField(
            model_name='submission',
            name='work_progress',
        ),
    ]
