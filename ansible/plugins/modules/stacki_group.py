#!/usr/bin/python
# Manage a Stacki host group.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: stacki_group
short_description: Manage Stacki groups
description:
  - Add and remove Stacki groups.
options:
  name:
    description: The name of the group.
    required: true
    type: str
  state:
    description: C(present) adds the group if needed; C(absent) removes it.
    type: str
    choices: [absent, present]
    default: present
extends_documentation_fragment: stacki.stacki.connection
"""

EXAMPLES = r"""
- name: Add a group
  stacki.stacki.stacki_group:
    name: compute
"""

RETURN = r""" # """

from ansible_collections.stacki.stacki.plugins.module_utils.stacki import StackiModule


def main():
    m = StackiModule(dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["absent", "present"]),
    ))
    name = m.params["name"]
    exists = any(row["group"] == name for row in m.run("list group"))
    if m.params["state"] == "present" and not exists:
        m.change("add group", name)
    elif m.params["state"] == "absent" and exists:
        m.change("remove group", name)
    m.exit()


if __name__ == "__main__":
    main()
