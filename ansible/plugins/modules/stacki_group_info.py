#!/usr/bin/python
# Stacki's groups and their hosts.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: stacki_group_info
short_description: Return data about Stacki groups
description:
  - The groups and the hosts in each.
extends_documentation_fragment: stacki.stacki.connection
"""

EXAMPLES = r"""
- name: Get all the groups
  stacki.stacki.stacki_group_info:
  register: result
"""

RETURN = r"""
groups:
  description: The groups.
  returned: on success
  type: list
  elements: dict
  contains:
    group:
      description: Name of the group.
      type: str
    hosts:
      description: The hosts in the group.
      type: list
      elements: str
"""

from ansible_collections.stacki.stacki.plugins.module_utils.stacki import StackiModule


def main():
    m = StackiModule({})
    groups = m.run("list group")
    for group in groups:
        group["hosts"] = (group.get("hosts") or "").split()
    m.exit(groups=groups)


if __name__ == "__main__":
    main()
