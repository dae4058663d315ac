from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from recordsreq.env import Env

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "k3y-" + "aB9xQ2mZ7pL4wR8tY1uV6nC5" * 3


def test_it_reads_booleans_in_common_spellings():
    env = Env({"A": "yes", "B": "0", "C": " On "})
    assert (env.bool("A", False), env.bool("B", True), env.bool("C", False)) == (True, False, True)


def test_it_refuses_a_misspelt_boolean():
    with pytest.raises(ImproperlyConfigured, match=r"DEBUG='flase' is not a boolean"):
        Env({"DEBUG": "flase"}).bool("DEBUG", False)


def test_it_refuses_a_non_numeric_integer():
    with pytest.raises(ImproperlyConfigured, match=r"EMAIL_PORT='25x' is not a whole number"):
        Env({"EMAIL_PORT": "25x"}).int("EMAIL_PORT", 587)


def test_it_refuses_an_integer_below_the_minimum():
    with pytest.raises(ImproperlyConfigured, match="below the minimum"):
        Env({"CONN_MAX_AGE": "-1"}).int("CONN_MAX_AGE", 60, minimum=0)


def test_it_requires_a_variable_without_default():
    with pytest.raises(ImproperlyConfigured, match="S3_BUCKET must be set"):
        Env({}).str("S3_BUCKET")


def test_it_treats_a_blank_value_as_unset():
    assert Env({"TIME_ZONE": "  "}).str("TIME_ZONE", "UTC") == "UTC"


def test_it_splits_lists_on_commas():
    assert Env({"ALLOWED_HOSTS": "a.org, b.org,,"}).list("ALLOWED_HOSTS", []) == ["a.org", "b.org"]


def test_it_refuses_a_url_with_an_unknown_scheme():
    with pytest.raises(ImproperlyConfigured, match="scheme 'mysql'"):
        Env({"DATABASE_URL": "mysql://x/y"}).url("DATABASE_URL", "", schemes=("sqlite", "postgres"))


def _run_manage(args: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    # Drop what the test settings put in the environment, so the child sees only `env`.
    test_only = {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY", "CELERY_BROKER_URL", "SECURE_SSL_REDIRECT"}
    base = {k: v for k, v in os.environ.items() if k not in test_only}
    base.update({"VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "recordsreq.settings"})
    base.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120
    )


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off(tmp_path):
    result = _run_manage(["check"], {"DEBUG": "0"}, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_it_refuses_a_weak_secret_key_in_production(tmp_path):
    result = _run_manage(["check"], {"DEBUG": "0", "SECRET_KEY": "short"}, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY is too weak" in result.stderr


def test_deploy_checks_are_clean_with_production_values(tmp_path):
    production = {
        "DEBUG": "0",
        "SECRET_KEY": STRONG_KEY,
        "ALLOWED_HOSTS": "records.example.org",
        "DATABASE_URL": "postgres://recordsreq@db.internal:5432/recordsreq",
        "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
        "EMAIL_BACKEND": "smtp",
        "EMAIL_HOST": "smtp.example.org",
    }
    result = _run_manage(["check", "--deploy", "--fail-level", "WARNING"], production, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_smtp_email_requires_a_host(tmp_path):
    result = _run_manage(["check"], {"DEBUG": "1", "EMAIL_BACKEND": "smtp"}, tmp_path)
    assert result.returncode != 0
    assert "EMAIL_HOST must be set" in result.stderr



def test_the_cache_is_shared_only_through_redis(tmp_path):
    refused = _run_manage(["check"], {"DEBUG": "1", "CACHE_URL": "memcached://cache:11211"}, tmp_path)
    assert refused.returncode != 0 and "CACHE_URL has scheme 'memcached'" in refused.stderr
    shown = _run_manage(["shell", "-c", "from django.conf import settings; print(settings.CACHES['default'])"],
                        {"DEBUG": "1", "CACHE_URL": "redis://cache:6379/1"}, tmp_path)
    assert "RedisCache" in shown.stdout and "redis://cache:6379/1" in shown.stdout, shown.stderr


@pytest.mark.parametrize(("compression", "storage"), [
    (None, "whitenoise.storage.CompressedManifestStaticFilesStorage"),
    ("0", "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"),
])
def test_static_files_are_precompressed_in_production_unless_turned_off(tmp_path, compression, storage):
    env = {"DEBUG": "0", "SECRET_KEY": STRONG_KEY, **({"STATIC_COMPRESSION": compression} if compression else {})}
    shown = _run_manage(["shell", "-c", "from django.conf import settings; print(settings.STORAGES['staticfiles'])"],
                        env, tmp_path)
    assert f"'BACKEND': '{storage}'" in shown.stdout, shown.stderr


def test_it_reads_a_number_and_refuses_one_out_of_range():
    assert Env({"COST": " 1.5 "}).float("COST", 1.1, minimum=1.0) == 1.5
    assert Env({}).float("COST", 1.1, minimum=1.0) == 1.1
    for value, message in (("fast", "is not a finite number"), ("nan", "not a finite number"), ("0.5", "below the minimum")):
        with pytest.raises(ImproperlyConfigured, match=message):
            Env({"COST": value}).float("COST", 1.1, minimum=1.0)


@pytest.mark.parametrize(("value", "shown"), [(None, "1.1"), ("2", "2.0"), ("server", "None")])
def test_the_planners_page_cost_is_read_from_the_environment(tmp_path, value, shown):
    env = {"DEBUG": "1", **({"POSTGRES_RANDOM_PAGE_COST": value} if value else {})}
    result = _run_manage(["shell", "-c", "from django.conf import settings; print(settings.POSTGRES_RANDOM_PAGE_COST)"],
                         env, tmp_path)
    assert result.stdout.strip().splitlines()[-1] == shown, result.stderr


def test_a_page_cost_below_a_sequential_reads_is_refused(tmp_path):
    result = _run_manage(["check"], {"DEBUG": "1", "POSTGRES_RANDOM_PAGE_COST": "0.5"}, tmp_path)
    assert result.returncode != 0 and "POSTGRES_RANDOM_PAGE_COST=0.5 is below the minimum of 1" in result.stderr
