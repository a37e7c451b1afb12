#!/usr/bin/python
# What Stacki knows of its appliances.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: stacki_appliance_info
short_description: Return data about Stacki appliances
description:
  - With O(name), data about one appliance; without, about all of them.
options:
  name:
    description: The name of the appliance.
    type: str
extends_documentation_fragment: stacki.stacki.connection
"""

EXAMPLES = r"""
- name: Get appliance backend
  stacki.stacki.stacki_appliance_info:
    name: backend
  register: result
"""

RETURN = r"""
appliances:
  description: The appliances.
  returned: on success
  type: list
  elements: dict
  contains:
    name:
      description: Name of the appliance.
      type: str
    public:
      description: True if the appliance is public.
      type: bool
"""

from ansible_collections.stacki.stacki.plugins.module_utils.stacki import StackiModule

TRUE = ("1", "true", "yes", "y", "on")


def main():
    m = StackiModule(dict(name=dict(type="str")))
    rows = m.run("list appliance", m.params["name"])
    m.exit(appliances=[{"name": row["appliance"], "public": str(row["public"]).lower() in TRUE}
                       for row in rows])


if __name__ == "__main__":
    main()
