from django.db import migrations


class Migration(migrations.Migration):
    """Counters need no crash safety: skip the write-ahead log (and so backups skip the rows)."""

    dependencies = [
        ("ratelimit", "0001_ratelimitwindow"),
    ]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE ratelimit_ratelimitwindow SET UNLOGGED",
            "ALTER TABLE ratelimit_ratelimitwindow SET LOGGED",
        ),
    ]
