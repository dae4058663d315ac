from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('teams', '0004_law_note_sends_to_outbox'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='lawcorrectionnote',
            name='law_note_unclaimed',
        ),
        migrations.RemoveField(
            model_name='lawcorrectionnote',
            name='email_claimed_at',
        ),
        migrations.RemoveField(
            model_name='lawcorrectionnote',
            name='emailed_at',
        ),
        migrations.RemoveField(
            model_name='lawcorrectionnote',
            name='send_error',
        ),
    ]
