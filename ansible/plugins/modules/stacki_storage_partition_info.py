#!/usr/bin/python
# Stacki's storage partition configuration at a scope.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: stacki_storage_partition_info
short_description: Return data about Stacki storage partitions
description:
  - The storage partition configuration of the global scope, or of one or all
    appliances, OSes, environments or hosts (C(stack list storage partition) and
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
  stacki.stacki.stacki_storage_partition_info:
  register: results

- name: Every host's
  stacki.stacki.stacki_storage_partition_info:
    scope: host
  register: results
"""

RETURN = r"""
partitions:
  description: The storage partition rows.
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
    device:
      description: Disk device of the partition.
      type: str
    partid:
      description: Partition id or null.
      type: int
    mountpoint:
      description: Its mount point.
      type: str
    size:
      description: Its size in megabytes as a string (or C(recommended), C(hibernation) for swap).
      type: str
    fstype:
      description: Its file system type.
      type: str
    options:
      description: Partition options.
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
    rows = m.run(scoped("list storage partition", m.params["scope"]), m.params["name"])
    for row in rows:
        if row.get("size") is not None:
            row["size"] = str(row["size"])
    m.exit(partitions=rows)


if __name__ == "__main__":
    main()
