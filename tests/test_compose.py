from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import require

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.services
def test_the_compose_file_is_valid() -> None:
    require(shutil.which("docker-compose") is not None, "docker-compose is not installed", env="REQUIRE_SERVICES")
    result = subprocess.run(
        ["docker-compose", "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_compose_file_runs_the_whole_stack() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    for service in ("web:", "worker:", "beat:", "postgres:", "redis:", "mail:"):
        assert f"\n  {service}" in text


def test_redis_keeps_its_data_on_a_volume() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    redis = text.split("\n  redis:\n", 1)[1].split("\n\n", 1)[0]  # the service's block, up to the next one
    assert "--appendonly yes" in redis
    assert "- redis-data:/data" in redis
    assert "\n  redis-data:" in text.split("\nvolumes:\n", 1)[1]
