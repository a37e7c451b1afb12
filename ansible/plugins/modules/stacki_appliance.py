#!/usr/bin/python
# Manage a Stacki appliance.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: stacki_appliance
short_description: Manage Stacki appliances
description:
  - Add, modify and remove Stacki appliances.
options:
  name:
    description: The name of the appliance.
    required: true
    type: str
  node:
    description:
      - The root XML node of the appliance (its C(node) attribute).
      - A new appliance with a node is installable; without one it is not.
    type: str
  state:
    description:
      - C(present) adds the appliance if needed and sets its node when given.
      - C(absent) removes the appliance.
    type: str
    choices: [absent, present]
    default: present
extends_documentation_fragment: stacki.stacki.connection
"""

EXAMPLES = r"""
- name: Add an appliance
  stacki.stacki.stacki_appliance:
    name: compute
    node: backend

- name: Remove it
  stacki.stacki.stacki_appliance:
    name: compute
    state: absent
"""

RETURN = r""" # """

from ansible_collections.stacki.stacki.plugins.module_utils.stacki import StackiModule


def main():
    m = StackiModule(dict(
        name=dict(type="str", required=True),
        node=dict(type="str"),
        state=dict(type="str", default="present", choices=["absent", "present"]),
    ))
    name, node = m.params["name"], m.params["node"]
    exists = any(row["appliance"] == name for row in m.run("list appliance"))
    if m.params["state"] == "absent":
        if exists:
            m.change("remove appliance", name)
    elif not exists:
        m.change("add appliance", name, "node=" + node if node else None)
    elif node is not None:
        attrs = [row for row in m.run("list appliance attr", name, "attr=node")
                 if row["attr"] == "node"]
        if not attrs or str(attrs[0]["value"]) != node:
            m.change("set appliance attr", name, "attr=node", "value=" + node)
    m.exit()


if __name__ == "__main__":
    main()
