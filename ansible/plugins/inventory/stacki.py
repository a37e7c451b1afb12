# Stacki's hosts as an Ansible inventory, read here or through the web service.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: stacki
short_description: Stacki hosts, their selector groups and attributes
description:
  - Reads the hosts of Stacki with a handful of commands whatever their number
    (C(list host), C(list host group), C(list host attr) twice, C(list host interface)),
    run side by side, locally or through the web service.
  - Groups follow Stacki's host selectors; C(a_APPLIANCE), C(o_OS), C(b_BOX), C(r_RACK),
    C(e_ENVIRONMENT), C(g_GROUP).
  - Every attribute of a host becomes a host variable C(stacki_ATTR) (C(true)/C(on) and
    C(false)/C(off) as booleans), characters a variable name cannot hold made C(_)
    (C(ssh.use_dns) is C(stacki_ssh_use_dns)). Shadow attributes are only there when the
    credentials are an admin's (the local C(stack) command is one).
  - Its interfaces are C(stacki_interfaces), a list of dicts.
  - Every host is in the group C(stacki), whose variables are the attributes all
    hosts share (a host sees them as its own; fewer variables to set on a large cluster).
  - "Use a file named C(stacki.yml) (or ending in C(stacki.yml)) holding C(plugin: stacki.stacki.stacki),
    or the source C(@stacki) with options from the environment and C(ansible.cfg)."
extends_documentation_fragment:
  - inventory_cache
  - constructed
options:
  plugin:
    description: The name of this plugin, to use it from an inventory file.
    type: str
    choices: [stacki.stacki.stacki, stacki]
  stacki_transport:
    description:
      - C(local) runs the C(stack) command of the controller; C(ws) the web service.
      - Default C(ws) when O(stacki_url) or O(stacki_credentials) is set, else C(local).
    type: str
    choices: [local, ws]
    env: [{name: STACKI_TRANSPORT}]
    ini: [{section: stacki, key: transport}]
  stacki_command:
    description: The C(stack) command of the local transport, split like a shell would.
    type: str
    default: stack
    env: [{name: STACKI_COMMAND}]
    ini: [{section: stacki, key: command}]
  stacki_url:
    description: The web service, as C(https://host:port) or its full URL.
    type: str
    env: [{name: STACKI_URL}]
    ini: [{section: stacki, key: url}]
  stacki_user:
    description: The API user (with O(stacki_key), instead of a credentials file).
    type: str
    env: [{name: STACKI_USER}]
    ini: [{section: stacki, key: user}]
  stacki_key:
    description: The API user's key.
    type: str
    env: [{name: STACKI_KEY}]
    ini: [{section: stacki, key: key}]
  stacki_credentials:
    description: A C(stacki-ws.cred) file; default C(~/stacki-ws.cred) for the web service.
    type: path
    env: [{name: STACKI_CREDENTIALS}]
    ini: [{section: stacki, key: credentials}]
  stacki_validate_certs:
    description: Verify the service's TLS certificate.
    type: bool
    default: true
    env: [{name: STACKI_VALIDATE_CERTS}]
    ini: [{section: stacki, key: validate_certs}]
  stacki_ca_path:
    description: A CA certificate file to verify the service's certificate with.
    type: path
    env: [{name: STACKI_CA_PATH}]
    ini: [{section: stacki, key: ca_path}]
  interfaces:
    description: Give each host its interfaces as C(stacki_interfaces).
    type: bool
    default: true
"""

EXAMPLES = r"""
# stacki.yml (with `enable_plugins = stacki.stacki.stacki` in ansible.cfg):
plugin: stacki.stacki.stacki
stacki_url: https://frontend.example.com
stacki_credentials: ~/stacki-ws.cred
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/stacki-inventory
cache_timeout: 600

# Then, for instance:
#   ansible-inventory -i stacki.yml --list
#   ansible -i stacki.yml a_backend -m ping
#   ansible-playbook -i stacki.yml --limit g_compute site.yml
#   (a task) when: stacki_managed
"""

import concurrent.futures
import re

from ansible.errors import AnsibleError
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable
from ansible.utils.vars import combine_vars

from ansible_collections.stacki.stacki.plugins.module_utils.stacki import (
    StackCommandError, transport_of)

# What the inventory is built from: one command each, for every host at once.
COMMANDS = {
    "hosts": ["list", "host"],
    "groups": ["list", "host", "group"],
    # What all hosts share is sent once, the rest host by host: a tenth of
    # the bytes of a plain `list host attr` on a large cluster.
    "common": ["list", "host", "attr", "display=common"],
    "distinct": ["list", "host", "attr", "display=distinct"],
    "interfaces": ["list", "host", "interface"],
}
# The selector groups and the `list host` column of each.
SELECTORS = (("a", "appliance"), ("o", "os"), ("b", "box"), ("r", "rack"),
             ("e", "environment"))
# The group of every host, holding the attributes they all share.
ALL = "stacki"
OPTIONS = ("stacki_transport", "stacki_command", "stacki_url", "stacki_user", "stacki_key",
           "stacki_credentials", "stacki_validate_certs", "stacki_ca_path")


INVALID = re.compile(r"[^A-Za-z0-9_]")


def var_name(attr):
    """`stacki_` and the attribute's name, `.` and other characters a variable
    name cannot hold made `_` (ssh.use_dns: stacki_ssh_use_dns)."""
    return "stacki_" + INVALID.sub("_", attr)


def var_value(value):
    """Stacki's boolean words as booleans, as Stacki's own plugin does."""
    if isinstance(value, str):
        lower = value.lower()
        if lower in ("true", "on"):
            return True
        if lower in ("false", "off"):
            return False
    return value


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = "stacki.stacki.stacki"

    def verify_file(self, path):
        if path.endswith("@stacki"):
            return True
        return super(InventoryModule, self).verify_file(path) and path.endswith(
            ("stacki.yml", "stacki.yaml"))

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        if path.endswith("@stacki"):
            # No file: options from the environment and ansible.cfg.
            self.set_options()
            if self.get_option("cache"):
                self.load_cache_plugin()
        else:
            self._read_config_data(path)
        key = self.get_cache_key(path)
        use_cache = self.get_option("cache")
        data = None
        if use_cache and cache:
            data = self._cache.get(key)
        if data is None:
            data = self.fetch()
            if use_cache:
                self._cache[key] = data
        self.populate(data)

    def fetch(self):
        """The rows of every command, the commands run side by side."""
        wanted = dict(COMMANDS)
        if not self.get_option("interfaces"):
            del wanted["interfaces"]
        try:
            transport = transport_of({name: self.get_option(name) for name in OPTIONS})
            with concurrent.futures.ThreadPoolExecutor(len(wanted)) as pool:
                futures = {name: pool.submit(transport.call, words)
                           for name, words in wanted.items()}
                return {name: future.result() for name, future in futures.items()}
        except StackCommandError as exc:
            raise AnsibleError("stacki inventory: %s" % exc.message)

    def populate(self, data):
        inventory = self.inventory
        # Every host is in `stacki`, which holds the attributes all of them
        # share: set once, not once per host (10,000 hosts share some 40).
        inventory.add_group(ALL)
        members = {}
        for row in data["hosts"]:
            host = row["host"]
            inventory.add_host(host, group=ALL)
            for prefix, column in SELECTORS:
                if row.get(column) not in (None, ""):
                    members.setdefault("%s_%s" % (prefix, row[column]), []).append(host)
        for row in data["groups"]:
            for group in (row.get("groups") or "").split():
                members.setdefault("g_" + group, []).append(row["host"])
        for group, hosts in members.items():
            group = inventory.add_group(group)
            for host in hosts:
                inventory.add_child(group, host)

        common = {var_name(row["attr"]): var_value(row["value"]) for row in data["common"]}
        for name, value in common.items():
            inventory.set_variable(ALL, name, value)
        for row in data["distinct"]:
            inventory.set_variable(row["host"], var_name(row["attr"]), var_value(row["value"]))
        if "interfaces" in data:
            interfaces = {}
            for row in data["interfaces"]:
                # Copies: the rows themselves may be going to the cache.
                interface = {k: v for k, v in row.items() if k != "host"}
                interfaces.setdefault(row["host"], []).append(interface)
            for row in data["hosts"]:
                inventory.set_variable(row["host"], "stacki_interfaces",
                                       interfaces.get(row["host"], []))
        self.construct(data["hosts"], common)

    def construct(self, rows, common):
        """compose, groups and keyed_groups of the inventory file, if any."""
        if not (self.get_option("compose") or self.get_option("groups")
                or self.get_option("keyed_groups")):
            return
        strict = self.get_option("strict")
        for row in rows:
            host = self.inventory.get_host(row["host"])
            variables = combine_vars(common, host.get_vars())
            self._set_composite_vars(self.get_option("compose"), variables, row["host"], strict)
            self._add_host_to_composed_groups(self.get_option("groups"), variables, row["host"],
                                              strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), variables,
                                           row["host"], strict)
