"""The command reference in docs/commands.md, generated from the commands'
own declarations (`python -m stacki.framework.reference > docs/commands.md`);
a test fails when the committed file is stale."""

from __future__ import annotations

import sys

from stacki.framework import helptext
from stacki.framework.command import registry


def reference() -> str:
    commands = registry().below(())
    parts = [
        "# Command reference\n",
        "Generated from the commands' declarations by "
        "`python -m stacki.framework.reference`; do not edit.\n",
    ]
    parts += [helptext.markdown(cls) for cls in commands]
    return "\n".join(parts)


if __name__ == "__main__":
    import os

    import django

    # The command modules import the models; no database is opened.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stacki.settings")
    django.setup()
    sys.stdout.write(reference())
