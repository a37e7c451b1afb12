#!/usr/bin/python
# Stacki attributes at a scope.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: stacki_attribute_info
short_description: Return data about Stacki attributes
description:
  - The attributes of the global scope, or of one or all appliances, OSes,
    environments or hosts. A host's attributes are resolved over every scope.
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
  attr:
    description: A shell-style glob of the attribute names to return.
    type: str
  shadow:
    description: Return shadow attributes too (they are only shown to admins).
    type: bool
    default: true
extends_documentation_fragment: stacki.stacki.connection
"""

EXAMPLES = r"""
- name: The global attributes
  stacki.stacki.stacki_attribute_info:
  register: result

- name: The os.version attribute of backend-0-0
  stacki.stacki.stacki_attribute_info:
    name: backend-0-0
    scope: host
    attr: os.version
  register: result
"""

RETURN = r"""
attributes:
  description: The attributes.
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
    scope:
      description: Where the value comes from.
      type: str
    type:
      description: C(const), C(shadow) or C(var).
      type: str
    attr:
      description: The attribute's name.
      type: str
    value:
      description: Its value, as a string.
      type: str
"""

from ansible_collections.stacki.stacki.plugins.module_utils.stacki import (
    SCOPES, StackiModule, flag, scoped)


def main():
    m = StackiModule(dict(
        name=dict(type="str"),
        scope=dict(type="str", default="global", choices=SCOPES),
        attr=dict(type="str"),
        shadow=dict(type="bool", default=True),
    ))
    p = m.params
    rows = m.run(scoped("list attr", p["scope"]), p["name"],
                 "attr=" + p["attr"] if p["attr"] else None, "shadow=" + flag(p["shadow"]))
    for row in rows:
        row["value"] = "" if row["value"] is None else str(row["value"])
    m.exit(attributes=rows)


if __name__ == "__main__":
    main()
