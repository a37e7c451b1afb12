#!/usr/bin/python
# Manage one Stacki attribute at one scope.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: stacki_attribute
short_description: Manage Stacki attributes
description:
  - Add, modify and remove an attribute stored at the global scope or on an
    appliance, OS, environment or host.
options:
  name:
    description: The appliance, OS, environment or host; required unless O(scope=global).
    type: str
  scope:
    description: Where the attribute is stored.
    type: str
    choices: [global, appliance, os, environment, host]
    default: global
  attr:
    description: The attribute's name.
    required: true
    type: str
  value:
    description: The value; required when O(state=present).
    type: str
  shadow:
    description: The attribute is a shadow (secret) one, readable by admins only.
    type: bool
    default: false
  state:
    description:
      - C(present) stores the attribute with O(value) (replacing one of that name at the scope).
      - C(absent) removes it if it is stored there as a shadow attribute when O(shadow), else as a plain one.
    type: str
    choices: [absent, present]
    default: present
extends_documentation_fragment: stacki.stacki.connection
"""

EXAMPLES = r"""
- name: A global attribute
  stacki.stacki.stacki_attribute:
    attr: ssh.use_dns
    value: "False"

- name: A shadow attribute of a host
  stacki.stacki.stacki_attribute:
    name: backend-0-0
    scope: host
    attr: bmc.password
    value: secret
    shadow: true

- name: Remove it
  stacki.stacki.stacki_attribute:
    name: backend-0-0
    scope: host
    attr: bmc.password
    shadow: true
    state: absent
"""

RETURN = r""" # """

from ansible_collections.stacki.stacki.plugins.module_utils.stacki import (
    SCOPES, StackiModule, flag, scoped)


def main():
    m = StackiModule(dict(
        name=dict(type="str"),
        scope=dict(type="str", default="global", choices=SCOPES),
        attr=dict(type="str", required=True),
        value=dict(type="str"),
        shadow=dict(type="bool", default=False),
        state=dict(type="str", default="present", choices=["absent", "present"]),
    ))
    p = m.params
    scope, name, attr = p["scope"], p["name"], p["attr"]
    if not name and scope != "global":
        m.fail("error - name is required for non-global scope")
    if p["value"] is None and p["state"] != "absent":
        m.fail("error - value is required")
    target = None if scope == "global" else name
    # A host's listing resolves every scope: keep what is stored on the host itself.
    stored = [row for row in m.run(scoped("list attr", scope), target, "attr=" + attr)
              if row["attr"] == attr and row.get("scope") == scope]
    kind = "shadow" if p["shadow"] else "var"
    current = stored[0] if stored and stored[0]["type"] == kind else None
    if p["state"] == "present":
        if current is None or str(current["value"]) != p["value"]:
            m.change(scoped("set attr", scope), target, "attr=" + attr, "value=" + p["value"],
                     "shadow=" + flag(p["shadow"]))
    elif current is not None:
        m.change(scoped("remove attr", scope), target, "attr=" + attr)
    m.exit()


if __name__ == "__main__":
    main()
