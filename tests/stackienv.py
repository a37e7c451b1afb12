"""Loaded with `-p` before Django: points all state at a throw-away place."""

import os
import tempfile

_root = tempfile.mkdtemp(prefix="stacki-tests-")
for name, sub in (("STACKI_HOME", "home"), ("HOME", "user"), ("STACKI_SYSROOT", "sysroot")):
    os.environ[name] = os.path.join(_root, sub)
    os.makedirs(os.environ[name], exist_ok=True)
os.environ["STACKI_FRONTEND_NAME"] = "frontend-0-0"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stacki.settings")
# The suite runs on SQLite unless STACKI_TEST_DATABASE_URL names a PostgreSQL
# server (tests/engines.py); never on a database the environment points at.
os.environ.pop("STACKI_DATABASE_URL", None)
if os.environ.get("STACKI_TEST_DATABASE_URL"):
    os.environ["STACKI_DATABASE_URL"] = os.environ["STACKI_TEST_DATABASE_URL"]
