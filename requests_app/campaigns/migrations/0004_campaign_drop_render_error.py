"""The one-text-field report of failed letters, now kept as render_failures (0003)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("campaigns", "0003_render_failures"),
    ]

    operations = [
        migrations.RemoveField(model_name="campaign", name="render_error"),
    ]
