
import django.db.models.deletion
from django.db import migrations, models


# A revocation's life (attempts, retries) moved to kit.outbound (issue 14).
def move_to_outbound_calls(apps, schema_editor):
    Revocation = apps.get_model("business_linking", "LoopRevocation")
    Call = apps.get_model("outbound", "OutboundCall")
    for revocation in Revocation.objects.all().iterator():
        done = revocation.done_at is not None
        revocation.call = Call.objects.create(
            kind="revocation",
            status="done" if done else "pending",
            created_at=revocation.created_at,
            attempts=revocation.attempts,
            next_attempt_at=None if done else revocation.next_attempt_at,
            done_at=revocation.done_at,
            last_error=revocation.last_error,
        )
        revocation.save(update_fields=["call"])


class Migration(migrations.Migration):

    dependencies = [
        ('business_linking', '0002_revocations'),
        ('outbound', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='looprevocation',
            name='call',
            field=models.OneToOneField(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='revocation', to='outbound.outboundcall'),
        ),
        migrations.RunPython(move_to_outbound_calls, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='looprevocation',
            name='attempts',
        ),
        migrations.RemoveField(
            model_name='looprevocation',
            name='done_at',
        ),
        migrations.RemoveField(
            model_name='looprevocation',
            name='last_error',
        ),
        migrations.RemoveField(
            model_name='looprevocation',
            name='next_attempt_at',
        ),
        migrations.AlterField(
            model_name='looprevocation',
            name='call',
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='revocation', to='outbound.outboundcall'),
        ),
    ]
