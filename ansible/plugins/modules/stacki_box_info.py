#!/usr/bin/python
# What Stacki knows of its boxes.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: stacki_box_info
short_description: Return data about Stacki boxes
description:
  - With O(name), data about one box; without, about all of them.
options:
  name:
    description: The name of the box.
    type: str
extends_documentation_fragment: stacki.stacki.connection
"""

EXAMPLES = r"""
- name: Get box default
  stacki.stacki.stacki_box_info:
    name: default
  register: default_box

- name: Get all boxes
  stacki.stacki.stacki_box_info:
  register: boxes
"""

RETURN = r"""
boxes:
  description: The boxes.
  returned: on success
  type: list
  elements: dict
  contains:
    name:
      description: Name of the box.
      type: str
    os:
      description: OS of the box.
      type: str
    pallets:
      description: Pallets in the box.
      type: list
      elements: str
    carts:
      description: Carts in the box.
      type: list
      elements: str
    repos:
      description: Repos in the box.
      type: list
      elements: str
"""

from ansible_collections.stacki.stacki.plugins.module_utils.stacki import StackiModule


def main():
    m = StackiModule(dict(name=dict(type="str")))
    boxes = m.run("list box", m.params["name"])
    for box in boxes:
        for field in ("pallets", "carts", "repos"):
            box[field] = (box.get(field) or "").split()
    m.exit(boxes=boxes)


if __name__ == "__main__":
    main()
