"""Services ask for background work through network.dispatch and outcomes.dispatch; the apps connect the tasks."""

from __future__ import annotations

from types import ModuleType

import pytest
from django.core.exceptions import ImproperlyConfigured

from network import dispatch as network_dispatch
from network.dispatch import Job
from outcomes import dispatch as outcomes_dispatch


@pytest.mark.parametrize("module", [network_dispatch, outcomes_dispatch], ids=["network", "outcomes"])
def test_every_job_is_connected_to_its_task_once_django_is_ready(module: ModuleType) -> None:
    jobs = [job for job in vars(module).values() if isinstance(job, Job)]
    assert jobs
    for job in jobs:
        assert job._run is not None, f"{job.name} is connected to nothing"
        # Each job is done by the Celery task of the same name in its app's tasks module (`run` is its delay).
        task = getattr(job._run, "__self__", None)
        assert getattr(task, "name", None) == f"{module.__name__.split('.')[0]}.tasks.{job.name}"


def test_work_asked_of_a_job_nobody_connected_fails_loudly() -> None:
    job: Job[[int]] = Job("nothing_connected")
    with pytest.raises(ImproperlyConfigured, match="nothing_connected"):
        job.after_commit(1)


def test_the_job_starts_when_the_transaction_commits(db: None, django_capture_on_commit_callbacks) -> None:
    started: list[int] = []
    job: Job[[int]] = Job("counting")
    job.connect(started.append)
    with django_capture_on_commit_callbacks(execute=True):
        job.after_commit(7)
        assert started == []
    assert started == [7]
