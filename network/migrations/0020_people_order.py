"""A site's people listed by role then name from one index (issue 16: no page grows with the site's leaders).

The people and invitations pages order a site's memberships by role, then the person's name, a column of
another table: PostgreSQL joined and sorted every membership of the site for each page of 50. Membership now
carries a copy of its user's name, `user_name`, and an index in the pages' order.

One rule in one place: the copy is kept by the database, by the two triggers below, so every write keeps it
(forms, services, imports' bulk_create and bulk_update, the admin, a queryset's update(), seeds and tests):
- writing a membership (an insert, or an update that writes its user or the copy: a model's save() writes every
  column) copies its user's name into it; an update of other columns only (an invitation's status) skips it;
- changing a user's name copies the new name into each of their memberships.
PostgreSQL and SQLite (the embedded default) each get the triggers in their own dialect; both are tested
(tests/network/test_people_page.py, run on either).
"""

from django.db import migrations, models

KEEP_NAMES = """
CREATE FUNCTION network_membership_user_name() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT name INTO NEW.user_name FROM network_user WHERE id = NEW.user_id;
    NEW.user_name := COALESCE(NEW.user_name, '');
    RETURN NEW;
END
$$;
CREATE TRIGGER network_membership_user_name BEFORE INSERT OR UPDATE OF user_id, user_name ON network_membership
    FOR EACH ROW EXECUTE FUNCTION network_membership_user_name();

CREATE FUNCTION network_user_name_to_memberships() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE network_membership SET user_name = NEW.name WHERE user_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER network_user_name_to_memberships AFTER UPDATE OF name ON network_user
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION network_user_name_to_memberships();

UPDATE network_membership AS m SET user_name = u.name FROM network_user AS u WHERE u.id = m.user_id;
"""

# SQLite: a trigger runs after the write and sets the copy from the user; recursive triggers are off by default,
# so the trigger's own update of user_name does not fire it again.
SQLITE_COPY = "COALESCE((SELECT name FROM network_user WHERE id = NEW.user_id), '')"
SQLITE_KEEP_NAMES = [
    f"""CREATE TRIGGER network_membership_user_name_insert AFTER INSERT ON network_membership BEGIN
        UPDATE network_membership SET user_name = {SQLITE_COPY} WHERE id = NEW.id; END""",
    f"""CREATE TRIGGER network_membership_user_name_update AFTER UPDATE OF user_id, user_name ON network_membership
        BEGIN UPDATE network_membership SET user_name = {SQLITE_COPY} WHERE id = NEW.id; END""",
    """CREATE TRIGGER network_user_name_to_memberships AFTER UPDATE OF name ON network_user
        WHEN OLD.name IS NOT NEW.name BEGIN
        UPDATE network_membership SET user_name = NEW.name WHERE user_id = NEW.id; END""",
    """UPDATE network_membership
        SET user_name = COALESCE((SELECT name FROM network_user WHERE id = network_membership.user_id), '')""",
]
SQLITE_DROP_KEEP_NAMES = [
    "DROP TRIGGER network_user_name_to_memberships",
    "DROP TRIGGER network_membership_user_name_update",
    "DROP TRIGGER network_membership_user_name_insert",
]


def _run(statements: dict[str, str | list[str]]):  # type: ignore[no-untyped-def]
    """A RunPython function that runs this database's statements (PostgreSQL's as one script)."""

    def run(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
        sql = statements[schema_editor.connection.vendor]
        for statement in [sql] if isinstance(sql, str) else sql:
            schema_editor.execute(statement, params=None)

    return run


DROP_KEEP_NAMES = """
DROP TRIGGER network_user_name_to_memberships ON network_user;
DROP FUNCTION network_user_name_to_memberships();
DROP TRIGGER network_membership_user_name ON network_membership;
DROP FUNCTION network_membership_user_name();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0019_digest_reads_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="user_name",
            field=models.CharField(default="", editable=False, max_length=150),
        ),
        migrations.RunPython(
            _run({"postgresql": KEEP_NAMES, "sqlite": SQLITE_KEEP_NAMES}),
            _run({"postgresql": DROP_KEEP_NAMES, "sqlite": SQLITE_DROP_KEEP_NAMES}),
        ),
        migrations.AddIndex(
            model_name="membership",
            index=models.Index(
                condition=models.Q(("archived_at__isnull", True)),
                fields=["site", "role", "user_name", "id"],
                name="membership_people_order_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="membership",
            index=models.Index(fields=["site", "user_name", "id"], name="membership_site_name_idx"),
        ),
    ]
