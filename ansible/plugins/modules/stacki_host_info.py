#!/usr/bin/python
# What Stacki knows of its hosts.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: stacki_host_info
short_description: Return data about Stacki hosts
description:
  - With O(name), data about the hosts it selects (a host name, or any host
    selector such as C(a:backend)); without, about all hosts.
  - Four commands answer for any number of hosts.
options:
  name:
    description: The host, or a host selector.
    type: str
extends_documentation_fragment: stacki.stacki.connection
"""

EXAMPLES = r"""
- name: Get one host
  stacki.stacki.stacki_host_info:
    name: backend-0-0
  register: output

- name: Get all the hosts
  stacki.stacki.stacki_host_info:
  register: output
"""

RETURN = r"""
hosts:
  description: The hosts, in cluster order.
  returned: on success
  type: list
  elements: dict
  contains:
    host:
      description: Name of the host.
      type: str
    rack:
      description: Its rack.
      type: str
    rank:
      description: Its position in the rack.
      type: str
    appliance:
      description: Its appliance.
      type: str
    os:
      description: Its OS.
      type: str
    box:
      description: Its box.
      type: str
    environment:
      description: Its environment, or null.
      type: str
    osaction:
      description: Its OS boot action.
      type: str
    installaction:
      description: Its install boot action.
      type: str
    comment:
      description: Its comment, or null.
      type: str
    interfaces:
      description: Its network interfaces (the rows of C(stack list host interface)).
      type: list
      elements: dict
    groups:
      description: The groups it is in.
      type: list
      elements: str
    boot:
      description: Its next boot (C(action), C(nukedisks), C(nukecontroller)).
      type: dict
"""

from ansible_collections.stacki.stacki.plugins.module_utils.stacki import StackiModule


def by_host(rows):
    """Rows grouped by their `host` column (which they lose)."""
    grouped = {}
    for row in rows:
        grouped.setdefault(row.pop("host"), []).append(row)
    return grouped


def main():
    m = StackiModule(dict(name=dict(type="str")))
    name = m.params["name"]
    hosts = m.run("list host", name)
    interfaces = by_host(m.run("list host interface", name))
    groups = {row["host"]: row["groups"] for row in m.run("list host group", name)}
    boots = by_host(m.run("list host boot", name))
    for host in hosts:
        host["interfaces"] = interfaces.get(host["host"], [])
        host["groups"] = (groups.get(host["host"]) or "").split()
        host["boot"] = boots.get(host["host"], [{}])[0]
    m.exit(hosts=hosts)


if __name__ == "__main__":
    main()
