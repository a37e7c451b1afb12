#!/usr/bin/python
# Manage a Stacki network.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: stacki_network
short_description: Manage Stacki networks
description:
  - Add, modify and remove Stacki networks.
options:
  name:
    description: The name of the network.
    required: true
    type: str
  address:
    description: The network's address; required for a new network.
    type: str
  mask:
    description: Its mask, dotted (C(255.255.0.0)) or as a prefix length (C(16)); required for a new network.
    type: str
  gateway:
    description: The gateway's address.
    type: str
  mtu:
    description: The MTU.
    type: int
  zone:
    description: The DNS zone (domain); a new network's default is its name.
    type: str
  dns:
    description: The network is served by the frontend's DNS.
    type: bool
  pxe:
    description: The network is served by the frontend's DHCP/PXE.
    type: bool
  state:
    description:
      - C(present) adds the network if needed and sets the options given.
      - C(absent) removes the network.
    type: str
    choices: [absent, present]
    default: present
extends_documentation_fragment: stacki.stacki.connection
"""

EXAMPLES = r"""
- name: Add a network
  stacki.stacki.stacki_network:
    name: primary
    address: 192.168.0.0
    mask: 255.255.255.0
    gateway: 192.168.0.1
    mtu: 1500
    zone: local
    dns: true
    pxe: true

- name: Remove it
  stacki.stacki.stacki_network:
    name: primary
    state: absent
"""

RETURN = r""" # """

import ipaddress

from ansible_collections.stacki.stacki.plugins.module_utils.stacki import StackiModule, flag

FIELDS = ("address", "mask", "gateway", "mtu", "zone", "dns", "pxe")


def wanted(params):
    """The options given, in the form `list network` shows them (masks dotted,
    addresses canonical), so that a second run finds nothing to change."""
    values = {f: params[f] for f in FIELDS if params[f] is not None}
    mask = values.get("mask")
    if mask is not None and mask.isdigit():
        try:
            values["mask"] = str(ipaddress.IPv4Network("0.0.0.0/" + mask).netmask)
        except ValueError:
            pass  # the command explains what is wrong with it
    for field in ("address", "gateway"):
        try:
            values[field] = str(ipaddress.ip_address(values[field]))
        except (KeyError, ValueError):
            pass
    return values


def text(value):
    return flag(value) if isinstance(value, bool) else str(value)


def main():
    m = StackiModule(dict(
        name=dict(type="str", required=True),
        address=dict(type="str"),
        mask=dict(type="str"),
        gateway=dict(type="str"),
        mtu=dict(type="int"),
        zone=dict(type="str"),
        dns=dict(type="bool"),
        pxe=dict(type="bool"),
        state=dict(type="str", default="present", choices=["absent", "present"]),
    ))
    name = m.params["name"]
    networks = [row for row in m.run("list network") if row["network"] == name]
    values = wanted(m.params)
    if m.params["state"] == "absent":
        if networks:
            m.change("remove network", name)
    elif not networks:
        m.change("add network", name, *["%s=%s" % (f, text(v)) for f, v in values.items()])
    else:
        current = networks[0]
        for field, value in values.items():
            have = current.get(field)
            if field == "gateway":
                have = have or ""  # no gateway is listed as ""
            if have != value:
                m.change("set network " + field, name, "%s=%s" % (field, text(value)))
    m.exit()


if __name__ == "__main__":
    main()
