"""Background work that outcomes' services ask for, without importing the tasks that do it (see network.dispatch)."""

from __future__ import annotations

from network.dispatch import Job

# The invitation to join an adopted outcome's alliance: voting round id, outcome id, membership id.
adoption_invitation_send: Job[[int, int, int]] = Job("adoption_invitation_send")
