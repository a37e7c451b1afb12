"""The floor for `stack list host`: the same table from the same SQLite
database, with nothing but the standard library (`sqlite3`), as plain Python
can at best print it.

    python bench/list_host_floor.py        # reads $STACKI_HOME/stacki.db

It resolves `kickstartable` through the five scopes (host > environment >
os > appliance > global) to decide whether a host shows its boot actions,
sorts in cluster order (frontends first, then numeric racks and ranks
numerically) and lays the table out by cli.md §2.2. bench/forkserver.py checks
that its output is byte for byte `stack list host`'s.
"""

import os
import sqlite3
import sys

HEADER = ["HOST", "RACK", "RANK", "APPLIANCE", "OS", "BOX", "ENVIRONMENT", "OSACTION",
          "INSTALLACTION", "COMMENT"]
HOSTS = """
SELECT h.id, h.name, h.rack, h.rank, a.name, o.name, b.name, e.name, h.osaction,
       h.installaction, h.comment, h.appliance_id, b.os_id, h.environment_id
FROM host h JOIN appliance a ON a.id = h.appliance_id JOIN box b ON b.id = h.box_id
JOIN os o ON o.id = b.os_id LEFT JOIN environment e ON e.id = h.environment_id
"""
KICKSTARTABLE = """
SELECT scope, os_id, appliance_id, environment_id, host_id, value FROM attribute
WHERE name = 'kickstartable' AND NOT shadow
"""
TRUE = {"on", "yes", "y", "true", "1"}


def number_or_text(value):
    return (0, int(value), "") if value.isdigit() else (1, 0, value)


def main():
    home = os.environ.get("STACKI_HOME") or os.path.expanduser("~/.stacki")
    db = sqlite3.connect(os.path.join(home, "stacki.db"))
    scopes = {"global": {}, "os": {}, "appliance": {}, "environment": {}, "host": {}}
    for scope, os_id, app, env, host, value in db.execute(KICKSTARTABLE):
        key = {"global": None, "os": os_id, "appliance": app, "environment": env,
               "host": host}[scope]
        scopes[scope][key] = value
    rows = []
    for (hid, name, rack, rank, app, os_name, box, env, osaction, installaction, comment,
         app_id, os_id, env_id) in db.execute(HOSTS):
        value = None
        for scope, key in (("host", hid), ("environment", env_id), ("os", os_id),
                           ("appliance", app_id), ("global", None)):
            if key in scopes[scope]:
                value = scopes[scope][key]
                break
        if str(value).lower() not in TRUE:
            osaction = installaction = None
        frontend = app == "frontend"
        order = ((0, rack, rank) if frontend else
                 (1, number_or_text(rack), number_or_text(rank)))
        rows.append((order, hid, [name, rack, rank, app, os_name, box, env, osaction,
                                  installaction, comment]))
    rows.sort(key=lambda r: (r[0], r[1]))
    table = [HEADER] + [r[2] for r in rows]
    widths = [max(len(row[i] or "") for row in table) for i in range(len(HEADER))]
    last = len(HEADER) - 1
    out = []
    for row in table:
        cells = [(cell or "").ljust(widths[i]) if cell else "-" * widths[i]
                 for i, cell in enumerate(row[:last])]
        cells.append(row[last] or "-" * len(HEADER[last]))
        out.append(" ".join(cells))
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
