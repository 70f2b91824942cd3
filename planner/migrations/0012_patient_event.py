import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('planner', '0011_plan_activity_and_advice'),
        ('rehab', '0004_body_composition_muscle_low'),
    ]

    operations = [
        migrations.CreateModel(
            name='PatientEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('red_flag_reported', 'Red flag reported'), ('pain_high', 'Pain of 6 or more'), ('pain_rising', 'Pain rising over baseline'), ('days_missed', '3 missed days')], max_length=32)),
                ('day', models.DateField(help_text="The patient's local date it happened on.")),
                ('context', models.JSONField(blank=True, default=dict)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('patient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='rehab.patient')),
            ],
            options={
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.AddIndex(
            model_name='patientevent',
            index=models.Index(fields=['created_at'], name='patient_event_created_idx'),
        ),
        migrations.AddConstraint(
            model_name='patientevent',
            constraint=models.UniqueConstraint(fields=('patient', 'kind', 'day'), name='patient_event_once_per_kind_day'),
        ),
        migrations.AddConstraint(
            model_name='patientevent',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['red_flag_reported', 'pain_high', 'pain_rising', 'days_missed'])), name='patient_event_kind_valid'),
        ),
    ]
