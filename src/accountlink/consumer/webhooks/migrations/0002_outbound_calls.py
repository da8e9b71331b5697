
import django.db.models.deletion
from django.db import migrations, models


# A delivery's life (status, attempts, replay) moved to kit.outbound (issue 14).
STATUSES = {"pending": "pending", "delivered": "done", "failed": "given_up"}


def move_to_outbound_calls(apps, schema_editor):
    Delivery = apps.get_model("loop_webhooks", "WebhookDelivery")
    Attempt = apps.get_model("loop_webhooks", "WebhookAttempt")
    Call = apps.get_model("outbound", "OutboundCall")
    CallAttempt = apps.get_model("outbound", "OutboundAttempt")
    for delivery in Delivery.objects.all().iterator():
        status = STATUSES.get(delivery.status, "pending")
        last_attempt = Attempt.objects.filter(delivery=delivery).order_by("-started_at", "-id").first()
        call = Call.objects.create(
            kind="webhook",
            status=status,
            created_at=delivery.created_at,
            attempts=delivery.attempts,
            next_attempt_at=delivery.next_attempt_at if status == "pending" else None,
            done_at=delivery.delivered_at,
            given_up_at=(last_attempt.started_at if last_attempt else delivery.created_at) if status == "given_up" else None,
            last_status_code=delivery.last_status_code,
            last_error=(last_attempt.error[:300] if last_attempt else ""),
            replay_requested=delivery.replay_requested,
        )
        delivery.call = call
        delivery.save(update_fields=["call"])
        for attempt in Attempt.objects.filter(delivery=delivery):
            CallAttempt.objects.create(
                call=call,
                started_at=attempt.started_at,
                duration_ms=attempt.duration_ms,
                status_code=attempt.status_code,
                error=attempt.error,
                succeeded=attempt.succeeded,
                replay=attempt.replay,
            )


class Migration(migrations.Migration):

    dependencies = [
        ('loop_webhooks', '0001_initial'),
        ('outbound', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='webhookdelivery',
            name='call',
            field=models.OneToOneField(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='webhook_delivery', to='outbound.outboundcall'),
        ),
        migrations.RunPython(move_to_outbound_calls, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='webhookattempt',
            name='delivery',
        ),
        migrations.RemoveIndex(
            model_name='webhookdelivery',
            name='loop_webhoo_status_7970b4_idx',
        ),
        migrations.RemoveField(
            model_name='webhookdelivery',
            name='attempts',
        ),
        migrations.RemoveField(
            model_name='webhookdelivery',
            name='delivered_at',
        ),
        migrations.RemoveField(
            model_name='webhookdelivery',
            name='last_status_code',
        ),
        migrations.RemoveField(
            model_name='webhookdelivery',
            name='next_attempt_at',
        ),
        migrations.RemoveField(
            model_name='webhookdelivery',
            name='replay_requested',
        ),
        migrations.RemoveField(
            model_name='webhookdelivery',
            name='status',
        ),
        migrations.DeleteModel(
            name='WebhookAttempt',
        ),
        migrations.AlterField(
            model_name='webhookdelivery',
            name='call',
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='webhook_delivery', to='outbound.outboundcall'),
        ),
    ]
