#!/usr/bin/python
# Stacki's storage controller configuration at a scope.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: stacki_storage_controller_info
short_description: Return data about Stacki storage controllers
description:
  - The storage controller configuration of the global scope, or of one or all
    appliances, OSes, environments or hosts (C(stack list storage controller) and
    its scoped forms). A host's configuration is resolved over every scope.
  - O(name) with O(scope=global) is an error.
options:
  name:
    description: The appliance, OS, environment or host.
    type: str
  scope:
    description: The scope to list.
    type: str
    choices: [global, appliance, os, environment, host]
    default: global
extends_documentation_fragment: stacki.stacki.connection
"""

EXAMPLES = r"""
- name: The global configuration
  stacki.stacki.stacki_storage_controller_info:
  register: results

- name: The backend appliance's
  stacki.stacki.stacki_storage_controller_info:
    name: backend
    scope: appliance
  register: results
"""

RETURN = r"""
controllers:
  description: The storage controller rows.
  returned: on success
  type: list
  elements: dict
  contains:
    appliance:
      description: The appliance, when O(scope=appliance).
      type: str
    os:
      description: The OS, when O(scope=os).
      type: str
    environment:
      description: The environment, when O(scope=environment).
      type: str
    host:
      description: The host, when O(scope=host).
      type: str
    enclosure:
      description: Enclosure number or null.
      type: int
    adapter:
      description: Adapter number or null.
      type: int
    slot:
      description: Slot number as a string, or C(*) for all slots.
      type: str
    raidlevel:
      description: RAID level as a string.
      type: str
    arrayid:
      description: Array id as a string, or C(*) for all arrays.
      type: str
    options:
      description: Controller options.
      type: str
    source:
      description: Where a host's row comes from (C(G), C(A), C(O), C(E), C(H)), when O(scope=host).
      type: str
"""

from ansible_collections.stacki.stacki.plugins.module_utils.stacki import (
    SCOPES, StackiModule, scoped)


def main():
    m = StackiModule(dict(
        name=dict(type="str"),
        scope=dict(type="str", default="global", choices=SCOPES),
    ))
    rows = m.run(scoped("list storage controller", m.params["scope"]), m.params["name"])
    for row in rows:
        for field in ("slot", "arrayid", "raidlevel"):
            if row.get(field) is not None:
                row[field] = str(row[field])
    m.exit(controllers=rows)


if __name__ == "__main__":
    main()
