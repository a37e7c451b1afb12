"""add host message: a message for the Stack Message Queue of hosts.

As in Stacki, each message is one UDP datagram, a JSON object with the
channel, the message and optionally ttl and source, sent to the host's
message-queue port (5000; STACKI_MQ_PORT overrides it). The frontend this
runs on is reached at 127.0.0.1, any other host at the IP address of its
default interface (else of its first interface with one) as the database
knows it: nothing is looked up in DNS.
"""

from __future__ import annotations

import json
import os
import socket

from stacki import errors
from stacki.framework.command import Arg, Command, Example, Param, Params
from stacki.inventory import models as m
from stacki.inventory.hostsel import localhost

PUBLISH_PORT = 5000


def port() -> int:
    try:
        return int(os.environ.get("STACKI_MQ_PORT") or PUBLISH_PORT)
    except ValueError:
        raise errors.CommandError("STACKI_MQ_PORT must be a port number") from None


def addresses(hosts: list[m.Host]) -> list[tuple[str, str]]:
    """(host name, address) of each host, in one query; every host needs one."""
    me = {h.id for h in localhost(hosts)} if hosts else set()
    best: dict[int, tuple] = {}
    rows = (m.Interface.objects.filter(host_id__in=[h.id for h in hosts])
            .exclude(ip__isnull=True).exclude(ip="")
            .values_list("host_id", "default", "device", "id", "ip"))
    for host_id, default, device, row_id, ip in rows:
        key = (not default, device or "", row_id)
        if host_id not in best or key < best[host_id][0]:
            best[host_id] = (key, ip)
    result = []
    for host in hosts:
        if host.id in me:
            result.append((host.name, "127.0.0.1"))
        elif host.id in best:
            result.append((host.name, best[host.id][1]))
        else:
            raise errors.CommandError(f"host {host.name} has no IP address to send the message to")
    return result


class AddHostMessage(Command):
    """Send a message to the message queue of hosts (every host when none is
    named). Nothing is stored: the message is one UDP datagram per host."""

    path = "add host message"
    args = (Arg("host", optional=True, repeat=True, help="Host names or selections; none: all."),)
    params = (Param("message", optional=False, help="The message text."),
              Param("channel", help="The channel (default debug)."),
              Param("ttl", help="Time to live of the message, in seconds."),
              Param("source", help="Where the message comes from."))
    examples = (Example('add host message backend-0-0 message="hello world" channel=debug',
                        'Sends "hello world" on the debug channel of backend-0-0\'s queue.'),)

    def run(self, args: list[str], params: Params) -> None:
        message = params.require("message")
        channel = params.value("channel", "debug")
        body: dict[str, object] = {"channel": channel, "message": message}
        if params.value("ttl") is not None:
            body["ttl"] = params.integer("ttl")
        if params.value("source") is not None:
            body["source"] = params.value("source")
        targets = addresses(self.hosts(args))
        datagram = json.dumps(body).encode()
        number = port()
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as tx:
            for name, address in targets:
                try:
                    tx.sendto(datagram, (address, number))
                except OSError as exc:
                    raise errors.CommandError(
                        f"cannot send the message to host {name} ({address}): {exc.strerror}") from None
