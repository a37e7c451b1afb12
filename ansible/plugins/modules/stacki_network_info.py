#!/usr/bin/python
# What Stacki knows of its networks.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: stacki_network_info
short_description: Return data about Stacki networks
description:
  - With O(name), data about one network; without, about all of them.
options:
  name:
    description: The name of the network.
    type: str
extends_documentation_fragment: stacki.stacki.connection
"""

EXAMPLES = r"""
- name: Get the private network
  stacki.stacki.stacki_network_info:
    name: private
  register: result
"""

RETURN = r"""
networks:
  description: The networks, as C(stack list network) shows them.
  returned: on success
  type: list
  elements: dict
  contains:
    network:
      description: Name of the network.
      type: str
    address:
      description: Its address.
      type: str
    mask:
      description: Its mask, dotted.
      type: str
    gateway:
      description: Its gateway, or an empty string.
      type: str
    mtu:
      description: Its MTU, or null.
      type: int
    zone:
      description: Its DNS zone.
      type: str
    dns:
      description: Served by the frontend's DNS.
      type: bool
    pxe:
      description: Served by the frontend's DHCP/PXE.
      type: bool
"""

from ansible_collections.stacki.stacki.plugins.module_utils.stacki import StackiModule


def main():
    m = StackiModule(dict(name=dict(type="str")))
    m.exit(networks=m.run("list network", m.params["name"]))


if __name__ == "__main__":
    main()
