"""Loaded with `-p` before Django: points all state at a throw-away place."""

import os
import tempfile

_root = tempfile.mkdtemp(prefix="stacki-tests-")
for name, sub in (("STACKI_HOME", "home"), ("HOME", "user"), ("STACKI_SYSROOT", "sysroot")):
    os.environ[name] = os.path.join(_root, sub)
    os.makedirs(os.environ[name], exist_ok=True)
os.environ["STACKI_FRONTEND_NAME"] = "frontend-0-0"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stacki.settings")
