"""A fake switch console for the tests: an SSH server on 127.0.0.1 (an
ephemeral port; any 127.x address) that answers like a Dell x1052, a Mellanox m7800 or a
Celestica e1050 (Cumulus Linux) would, and records every line typed at its
console or command run on it (`received`).

    with FakeSwitch("x1052", password="secret") as fake:
        ... fake.port ...; fake.received

The x1052 logs users in at its console (User Name:/Password:) whatever the
SSH login said, as the real one does; the others check the SSH password.
"""

from __future__ import annotations

import json
import re
import socket
import threading
from typing import Any

import paramiko

_KEY: list[paramiko.RSAKey] = []
_KEY_LOCK = threading.Lock()


def host_key() -> paramiko.RSAKey:
    with _KEY_LOCK:
        if not _KEY:
            _KEY.append(paramiko.RSAKey.generate(1024))
        return _KEY[0]


X1052_STATUS = """\
                                             Flow Link          Back   Mdix
Port     Type         Duplex  Speed Neg      ctrl State       Pressure Mode
-------- ------------ ------  ----- -------- ---- ----------- -------- -------
gi1/0/1  1G-Copper    Full    1000  Enabled  Off  Up          Disabled On
gi1/0/2  1G-Copper    Full    1000  Enabled  Off  Up          Disabled On
gi1/0/3  1G-Copper      --      --     --     --  Down           --     --
te1/0/1  10G-Fiber      --      --     --     --  Down           --     --
"""

X1052_MACS = """\
Flags: I - Internal usage VLAN
Aging time is 300 sec

    Vlan          Mac Address         Port       Type
------------ --------------------- ---------- ----------
     1         00:11:22:33:44:02    gi1/0/2     dynamic
     1         00:11:22:33:44:01    gi1/0/1     dynamic
     2         00:11:22:33:44:99    gi1/0/3     dynamic
     1         00:11:22:33:66:01    gi1/0/1     dynamic
     1         f8:b1:56:00:00:01       0         self
"""

X1052_CONFIG = """\
config-file-header
console
v2.0.1.4 / RCS1.0
CLI v1.0
file SSD indicator encrypted
@
ssd-control-start
ssd config
ssd file passphrase control unrestricted
no ssd file integrity control
ssd-control-end cb0a3fdb1f3a1af4e4430033719968c0
!
vlan database
vlan 2-3
exit
interface vlan 1
 ip address 127.0.0.1 255.0.0.0
!
interface gigabitethernet1/0/1
 switchport mode general
 switchport general pvid 2
 switchport general allowed vlan add 2 untagged
!
interface gigabitethernet1/0/2
 switchport mode trunk
!
interface gigabitethernet1/0/3
 switchport mode access
 switchport access vlan 3
!
crypto key pubkey-chain ssh
 user-key admin rsa
 key-string AAAAB3NzaC1yc2EAAAADAQABAAABAQ
!
"""

M7800_STATUS = """\

Interface      Description    Speed                    Current line rate   Logical port state   Physical port state
---------      -----------    -----                    -----------------   ------------------   -------------------
IB1/1                         100.0 Gbps rate          100.0 Gbps          Active               LinkUp
IB1/2          uplink         56.0 Gbps rate           56.0 Gbps           Active               LinkUp
IB1/3                         -                        -                   Down                 Polling
"""

E1050_INTERFACES = {
    "eth0": {"linkstate": "UP", "speed": "1G", "mode": "Mgmt"},
    "swp2": {"linkstate": "UP", "speed": "10G", "mode": "Access/L2"},
    "swp1": {"linkstate": "UP", "speed": "10G", "mode": "Access/L2"},
    "swp10": {"linkstate": "DN", "speed": "N/A", "mode": "NotConfigured"},
    "bridge": {"linkstate": "UP", "speed": "N/A", "mode": "Bridge/L2"},
}

E1050_MACS = [
    {"mac": "00:11:22:33:44:02", "dev": "swp2", "vlan": 2, "state": ""},
    {"mac": "00:11:22:33:44:01", "dev": "swp1", "vlan": 1, "state": ""},
]

E1050_CONFIG = "net add bridge bridge ports swp1-2\nnet add interface swp1 bridge pvid 1\n"


class _Server(paramiko.ServerInterface):
    def __init__(self, fake: FakeSwitch) -> None:
        self.fake = fake
        self.requests: dict[int, tuple[str, str]] = {}
        self.arrived = threading.Condition()

    def check_channel_request(self, kind: str, chanid: int) -> int:
        if kind == "session":
            return paramiko.OPEN_SUCCEEDED
        return paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED

    def get_allowed_auths(self, username: str) -> str:
        return "password"

    def check_auth_password(self, username: str, password: str) -> int:
        if self.fake.model == "x1052" or (username, password) == (self.fake.username,
                                                                  self.fake.password):
            return paramiko.AUTH_SUCCESSFUL
        return paramiko.AUTH_FAILED

    def check_channel_pty_request(self, *args: Any) -> bool:
        return True

    def _request(self, channel: Any, kind: str, command: str = "") -> bool:
        with self.arrived:
            self.requests[channel.get_id()] = (kind, command)
            self.arrived.notify_all()
        return True

    def check_channel_shell_request(self, channel: Any) -> bool:
        return self._request(channel, "shell")

    def check_channel_exec_request(self, channel: Any, command: bytes) -> bool:
        return self._request(channel, "exec", command.decode())

    def request_of(self, channel: Any) -> tuple[str, str] | None:
        with self.arrived:
            self.arrived.wait_for(lambda: channel.get_id() in self.requests, timeout=5)
            return self.requests.get(channel.get_id())


class FakeSwitch:
    def __init__(self, model: str, username: str = "admin", password: str = "secret",
                 hostname: str = "switch", address: str = "127.0.0.1") -> None:
        self.address = address
        self.model, self.username, self.password, self.hostname = (model, username, password,
                                                                  hostname)
        self.received: list[str] = []
        self.sm = True
        self.fail: str | None = None  # an e1050 command that fails
        # m7800 partitions: name -> {pkey, ipoib, defmember, members {guid: type}}
        self.partitions: dict[str, dict[str, Any]] = {
            "Default": {"pkey": 0x7FFF, "ipoib": True, "defmember": "full", "members": {}},
            "0x0bbb": {"pkey": 0x0BBB, "ipoib": False, "defmember": None,
                       "members": {"00:00:00:00:00:00:00:09": "full"}},
        }
        self.sock: socket.socket | None = None
        self.threads: list[threading.Thread] = []
        self.transports: list[paramiko.Transport] = []

    # --- life -------------------------------------------------------------
    def __enter__(self) -> FakeSwitch:
        self.sock = socket.socket()
        self.sock.bind((self.address, 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self._spawn(self._serve)
        return self

    def __exit__(self, *exc: Any) -> None:
        assert self.sock is not None
        try:
            # Wakes the thread blocked in accept(); close() alone does not.
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        for t in self.transports:
            t.close()
        for thread in self.threads:
            thread.join(timeout=5)

    def _spawn(self, target: Any, *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self.threads.append(thread)
        thread.start()

    def _serve(self) -> None:
        assert self.sock is not None
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self._spawn(self._connection, conn)

    def _connection(self, conn: socket.socket) -> None:
        transport = paramiko.Transport(conn)
        self.transports.append(transport)
        transport.add_server_key(host_key())
        server = _Server(self)
        try:
            transport.start_server(server=server)
        except (paramiko.SSHException, EOFError, OSError):
            return
        while transport.is_active():
            channel = transport.accept(timeout=0.5)
            if channel is None:
                continue
            request = server.request_of(channel)
            if request is None:
                channel.close()
            elif request[0] == "exec":
                self._spawn(self._exec, channel, request[1])
            else:
                self._spawn(self._shell, channel)

    # --- one command at a time (Cumulus) ------------------------------------
    def _exec(self, channel: Any, command: str) -> None:
        self.received.append(command)
        out, err, status = self.run(command)
        try:
            if out:
                channel.sendall(out.encode())
            if err:
                channel.sendall_stderr(err.encode())
            channel.send_exit_status(status)
            channel.close()
        except (OSError, EOFError):
            pass  # the client went away

    def run(self, command: str) -> tuple[str, str, int]:
        if command == self.fail:
            return "", f"ERROR: '{command.split()[-1]}' is not a valid value\n", 1
        if command == "net show interface json":
            return json.dumps(E1050_INTERFACES), "", 0
        if command == "net show bridge macs dynamic json":
            return json.dumps(E1050_MACS), "", 0
        if command == "net show configuration":
            return E1050_CONFIG, "", 0
        if re.match(r"net (add|del) ", command) or command in ("net abort", "net pending"):
            return "", "", 0
        if command == "net commit":
            return "net add/del commands since the last commit\n", "", 0
        return "", f"-bash: {command.split()[0]}: command not found\n", 127

    # --- interactive console ----------------------------------------------
    def _shell(self, channel: Any) -> None:
        console = _Console(self, channel)
        try:
            if self.model == "x1052":
                console.x1052()
            else:
                console.m7800()
        except (OSError, EOFError):
            pass  # the client went away
        finally:
            try:
                channel.close()
            except (OSError, EOFError):
                pass


class _Console:
    def __init__(self, fake: FakeSwitch, channel: Any) -> None:
        self.fake, self.channel = fake, channel
        self.buffer = b""

    def say(self, text: str) -> None:
        self.channel.sendall(text.replace("\n", "\r\n").encode())

    def line(self, echo: bool = True) -> str:
        while b"\n" not in self.buffer and b"\r" not in self.buffer:
            chunk = self.channel.recv(4096)
            if not chunk:
                raise EOFError
            self.buffer += chunk
        found = re.search(rb"\r\n|\n|\r", self.buffer)
        assert found is not None
        text, self.buffer = self.buffer[:found.start()], self.buffer[found.end():]
        typed = text.decode()
        if echo:
            self.say(typed + "\n")
        return typed

    # Dell x1052 ------------------------------------------------------------
    def x1052(self) -> None:
        fake = self.fake
        while True:
            self.say("\n\nUser Name:")
            user = self.line()
            self.say("Password:")
            password = self.line(echo=False)
            if (user, password) == (fake.username, fake.password):
                break
            self.say("\n\n% Authentication failed.\n")
        mode = ""
        while True:
            self.say(f"\n{fake.hostname}{mode}#")
            typed = self.line().strip()
            fake.received.append(typed)
            if mode:
                if typed == "end" or (typed == "exit" and mode == "(config)"):
                    mode = ""
                elif typed == "exit":
                    mode = "(config)"
                elif typed.startswith("interface "):
                    mode = "(config-if)"
                elif typed.startswith("bogus"):
                    self.say("% Unrecognized command\n")
                continue
            if typed == "configure":
                mode = "(config)"
            elif typed == "write":
                self.say("Overwrite file [startup-config].... (Y/N)[N] ?")
                answer = self.line().strip()
                fake.received.append(answer)
                if answer == "Y":
                    self.say("\n19-Jan-2026 10:00:00 %COPY-I-FILECPY: Files Copy - source URL "
                             "running-config destination URL flash://startup-config\n"
                             "Copy succeeded\n")
            elif typed == "show interfaces status":
                self.say(X1052_STATUS)
            elif typed == "show mac address-table":
                self.say(X1052_MACS)
            elif typed == "show running-config":
                self.say(X1052_CONFIG)
            elif typed == "quit" or typed == "exit":
                return
            elif typed != "terminal datadump" and typed:
                self.say("% Unrecognized command\n")

    # Mellanox m7800 ----------------------------------------------------------
    def m7800(self) -> None:
        fake = self.fake
        self.say("\nMellanox MLNX-OS Switch Management\n\n")
        level = " >"
        while True:
            self.say(f"{fake.hostname} [standalone: master]{level} ")
            typed = self.line().strip()
            fake.received.append(typed)
            if typed == "enable":
                level = " #"
            elif typed == "configure terminal" and level == " #":
                level = " (config) #"
            elif typed in ("terminal length 999", "configuration write"):
                pass
            elif typed == "show ib sm":
                self.say("enable\n" if fake.sm else "disable\n")
            elif typed in ("ib sm", "no ib sm"):
                fake.sm = typed == "ib sm"
            elif typed == "show interfaces ib status":
                self.say(M7800_STATUS)
            elif typed == "show ib partition":
                self.say(self.partition_text())
            elif typed.startswith(("ib partition ", "no ib partition ")):
                self.partition(typed)
            elif typed in ("quit", "exit"):
                return
            else:
                self.say(f'% Unrecognized command "{typed.split()[0]}".\n')

    def partition_text(self) -> str:
        lines = []
        for name, p in self.fake.partitions.items():
            lines += [f"  {name}", f"    PKey = 0x{p['pkey']:04x}",
                      f"    ipoib = {'yes' if p['ipoib'] else 'no'}"]
            if p["defmember"]:
                lines.append(f"    defmember = {p['defmember']}")
            if p["members"]:
                lines.append("    members")
                lines += [f"      GUID={g} member={t}" for g, t in p["members"].items()]
        return "\n".join(lines) + "\n\n"

    def confirmed(self, name: str) -> bool:
        if name != "Default":
            return True
        self.say("Type 'yes' to continue: ")
        answer = self.line().strip()
        self.fake.received.append(answer)
        return answer == "yes"

    def partition(self, typed: str) -> None:
        parts = self.fake.partitions
        words = typed.split()
        no = words[0] == "no"
        words = words[3:] if no else words[2:]
        name, rest = words[0], words[1:]
        if no and not rest:
            if self.confirmed(name):
                parts.pop(name, None)
            return
        if not no and rest[:1] == ["pkey"]:
            parts.setdefault(name, {"pkey": 0, "ipoib": False, "defmember": None, "members": {}})
            parts[name]["pkey"] = int(rest[1], 16)
            return
        part = parts.get(name)
        if part is None:
            self.say(f"% Partition {name} does not exist\n")
        elif rest[0] == "defmember":
            if no:
                if self.confirmed(name):
                    part["defmember"] = None
            else:
                part["defmember"] = rest[1]
        elif rest[0] == "ipoib":
            if no:
                if self.confirmed(name):
                    part["ipoib"] = False
            else:
                part["ipoib"] = True
        elif rest[0] == "member":
            if no:
                if self.confirmed(name):
                    part["members"].pop(rest[1], None)
            else:
                part["members"][rest[1]] = rest[3]
