from django.db import migrations


class Migration(migrations.Migration):
    """The special-debtor notification duty moves to `cases` (issue 20: it is a filing duty, and `cases` cannot
    import `blacklist`). The rows stay where they are: the table is renamed, the model leaves this app's state and
    `cases.0006_special_notification_moved_in` takes it over. Nothing is copied, nothing lost."""

    dependencies = [
        ("blacklist", "0008_drop_name_pattern_index"),
        ("cases", "0005_loop_lifting_signoff"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable("SpecialDebtorNotification", "cases_specialdebtornotification"),
                migrations.RunSQL(
                    "ALTER TABLE cases_specialdebtornotification RENAME CONSTRAINT "
                    "blacklist_specialdebtornotification_note_chars TO cases_specialdebtornotification_note_chars",
                    reverse_sql="ALTER TABLE cases_specialdebtornotification RENAME CONSTRAINT "
                    "cases_specialdebtornotification_note_chars TO blacklist_specialdebtornotification_note_chars",
                ),
            ],
            state_operations=[migrations.DeleteModel("SpecialDebtorNotification")],
        ),
    ]
