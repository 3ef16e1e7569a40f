"""The embedded default: with no DATABASE_URL the app runs on SQLite, so every migration must apply there too,
including those that add database-kept columns (0020's name copy, kept by triggers in each dialect)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHECK = """
from network.models import Membership, PilotSite, User
site = PilotSite.objects.create(name="Ashby", slug="ashby", place="Ashby")
user = User.objects.create(email="ana@ashby.example", name="Ana Jones")
membership = Membership.objects.create(site=site, user=user, role="leader")
membership.refresh_from_db()
assert membership.user_name == "Ana Jones", membership.user_name
User.objects.filter(pk=user.pk).update(name="Ana Price")
membership.refresh_from_db()
assert membership.user_name == "Ana Price", membership.user_name
Membership.objects.filter(pk=membership.pk).update(role="enabler")
membership.refresh_from_db()
assert membership.user_name == "Ana Price", membership.user_name
print("name copy kept")
"""


def test_every_migration_applies_on_sqlite_and_keeps_the_name_copy(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env["DJANGO_SETTINGS_MODULE"] = "systemsleader.settings"
    manage = [sys.executable, str(ROOT / "manage.py")]
    migrated = subprocess.run([*manage, "migrate", "-v", "0"], env=env, capture_output=True, text=True, timeout=300)
    assert migrated.returncode == 0, migrated.stderr[-2000:]
    checked = subprocess.run([*manage, "shell", "-c", CHECK], env=env, capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0 and "name copy kept" in checked.stdout, checked.stderr[-2000:]
    # And back: the triggers come out as they went in.
    reversed_ = subprocess.run(
        [*manage, "migrate", "network", "0019", "-v", "0"], env=env, capture_output=True, text=True, timeout=300
    )
    assert reversed_.returncode == 0, reversed_.stderr[-2000:]
