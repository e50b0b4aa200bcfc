from django.db import migrations


RENAME = "ALTER TABLE cases_specialdebtornotification RENAME CONSTRAINT {} TO {}"
OLD, NEW = "blacklist_specialdebtornotification_note_chars", "cases_specialdebtornotification_note_chars"


def rename_check(apps, schema_editor):
    # PostgreSQL keeps the check's name; SQLite has no RENAME CONSTRAINT and takes the state's name when the next
    # migration (cases.0007, new fields) rebuilds the table (the embedded default of `scripts/run`).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(RENAME.format(OLD, NEW))


def unrename_check(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(RENAME.format(NEW, OLD))


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
                migrations.RunPython(rename_check, unrename_check),
            ],
            state_operations=[migrations.DeleteModel("SpecialDebtorNotification")],
        ),
    ]
