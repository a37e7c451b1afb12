#!/usr/bin/python
# The pallets Stacki holds.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: stacki_pallet_info
short_description: Return data about Stacki pallets
description:
  - With O(name), data about the pallets of that name; without, about all of them.
options:
  name:
    description: The name of the pallet.
    type: str
extends_documentation_fragment: stacki.stacki.connection
"""

EXAMPLES = r"""
- name: Get all the pallets
  stacki.stacki.stacki_pallet_info:
  register: result

- name: Get the stacki pallet
  stacki.stacki.stacki_pallet_info:
    name: stacki
  register: result
"""

RETURN = r"""
pallets:
  description: The pallets.
  returned: on success
  type: list
  elements: dict
  contains:
    name:
      description: Name of the pallet.
      type: str
    version:
      description: Its version.
      type: str
    release:
      description: Its release.
      type: str
    arch:
      description: Its architecture.
      type: str
    os:
      description: The OS it is for.
      type: str
    boxes:
      description: The boxes it is enabled in.
      type: list
      elements: str
"""

from ansible_collections.stacki.stacki.plugins.module_utils.stacki import StackiModule


def main():
    m = StackiModule(dict(name=dict(type="str")))
    pallets = m.run("list pallet", m.params["name"])
    for pallet in pallets:
        pallet["boxes"] = (pallet.get("boxes") or "").split()
    m.exit(pallets=pallets)


if __name__ == "__main__":
    main()
