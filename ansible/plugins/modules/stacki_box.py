#!/usr/bin/python
# Manage a Stacki box.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: stacki_box
short_description: Manage Stacki boxes
description:
  - Add and remove Stacki boxes, and change a box's OS.
  - A box's OS changes by removing and adding the box again, which only works
    while no host uses it.
options:
  name:
    description: The name of the box.
    required: true
    type: str
  os:
    description: The OS of the box; a new box without it gets the frontend's OS.
    type: str
  state:
    description:
      - C(present) adds the box if needed, and gives it O(os) when that differs.
      - C(absent) removes the box.
    type: str
    choices: [absent, present]
    default: present
extends_documentation_fragment: stacki.stacki.connection
"""

EXAMPLES = r"""
- name: Add a box
  stacki.stacki.stacki_box:
    name: develop
    os: ubuntu

- name: Remove it
  stacki.stacki.stacki_box:
    name: develop
    state: absent
"""

RETURN = r""" # """

from ansible_collections.stacki.stacki.plugins.module_utils.stacki import StackiModule


def main():
    m = StackiModule(dict(
        name=dict(type="str", required=True),
        os=dict(type="str"),
        state=dict(type="str", default="present", choices=["absent", "present"]),
    ))
    name, os = m.params["name"], m.params["os"]
    boxes = [row for row in m.run("list box") if row["name"] == name]
    add = ("add box", name, "os=" + os if os else None)
    if m.params["state"] == "absent":
        if boxes:
            m.change("remove box", name)
    elif not boxes:
        m.change(*add)
    elif os and os != boxes[0]["os"]:
        m.change("remove box", name)
        m.change(*add)
    m.exit()


if __name__ == "__main__":
    main()
