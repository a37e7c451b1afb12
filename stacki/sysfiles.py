"""System files from report output: the `<stack:file ...>` blocks.

Report commands print file images wrapped in `<stack:file stack:name="/etc/hosts"
[stack:perms="0644"] [stack:mode="append"] [stack:rcs="no"]>` ... `</stack:file>`.
This module is the one place that reads those blocks, writes them under
STACKI_SYSROOT, turns them into a shell script (`report script`) and reloads
the services that read them.

Writes are atomic per file and all-or-nothing per call: every file is first
written in full to a temporary file beside its target, and only when all of
them are on disk are they renamed into place. A failure leaves the old files
and no temporary file behind.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from stacki import errors, home, privileged

OPEN = re.compile(r"^\s*<stack:file\b(?P<attrs>[^>]*)>\s*$")
CLOSE = re.compile(r"^\s*</stack:file>\s*$")
ATTR = re.compile(r"""stack:(?P<key>[\w-]+)\s*=\s*(?P<q>["'])(?P<value>.*?)(?P=q)""")
DEFAULT_PERMS = 0o644
# Modes a generated file may never get: setuid, setgid, world-writable.
FORBIDDEN_PERMS = 0o4000 | 0o2000 | 0o0002
# The copy of a file that stacki replaced without having written it.
ORIGINAL = ".stacki-orig"
# The files (real paths) this sysroot's syncs have written: kept in the
# sysroot itself, so that whoever may write the files also keeps the list.
WRITTEN = "var/lib/stacki/written"


@dataclass
class FileBlock:
    """One `<stack:file>` block: a file's path (as on the real system) and lines."""

    name: str
    lines: list[str] = field(default_factory=list)
    perms: int | None = None
    append: bool = False

    def text(self) -> str:
        return "".join(line + "\n" for line in self.lines)


def _header(attrs: str) -> FileBlock:
    values = {m.group("key"): m.group("value") for m in ATTR.finditer(attrs)}
    name = values.get("name", "")
    path = PurePosixPath(name)
    if not path.is_absolute() or ".." in path.parts:
        raise errors.CommandError(f'stack:file name "{name}" is not an absolute path')
    perms = None
    if values.get("perms"):
        try:
            perms = int(values["perms"], 8)
        except ValueError:
            raise errors.CommandError(
                f'stack:file "{name}" has invalid perms "{values["perms"]}"') from None
        if perms & ~0o7777 or perms & FORBIDDEN_PERMS:
            raise errors.CommandError(
                f'stack:file "{name}" perms "{values["perms"]}" are refused '
                "(setuid, setgid and world-writable files are never written)")
    return FileBlock(str(path), perms=perms, append=values.get("mode") == "append")


def parse(lines: Iterable[str]) -> list[FileBlock]:
    """The file blocks of report output; text outside blocks is ignored."""
    blocks: list[FileBlock] = []
    current: FileBlock | None = None
    for line in lines:
        for part in line.split("\n") if "\n" in line else (line,):
            # Most lines are file contents: look for a tag only where one may be.
            if "stack:file" not in part:
                if current is not None:
                    current.lines.append(part)
                continue
            opening = OPEN.match(part)
            if current is None:
                if opening:
                    current = _header(opening.group("attrs"))
            elif CLOSE.match(part):
                blocks.append(current)
                current = None
            elif opening:
                raise errors.CommandError(f'stack:file "{current.name}" is not closed')
            else:
                current.lines.append(part)
    if current is not None:
        raise errors.CommandError(f'stack:file "{current.name}" is not closed')
    return blocks


# --- writing under STACKI_SYSROOT -------------------------------------------

@dataclass
class _Pending:
    target: Path
    content: str
    mode: int
    temp: str | None = None


def _plan(blocks: Sequence[FileBlock], root: Path) -> list[_Pending]:
    """Each target's final content, blocks of one path applied in order."""
    plans: dict[Path, _Pending] = {}
    for block in blocks:
        target = root / block.name.lstrip("/")
        plan = plans.get(target)
        if plan is None:
            mode = DEFAULT_PERMS
            content = ""
            try:
                mode = target.stat().st_mode & 0o7777
                if block.append:
                    content = target.read_text()
            except (FileNotFoundError, NotADirectoryError):
                pass
            except OSError as exc:
                raise errors.CommandError(f"cannot read {target}: {exc.strerror}") from None
            plan = plans[target] = _Pending(target, content, mode)
        elif not block.append:
            plan.content = ""
        plan.content += block.text()
        if block.perms is not None:
            plan.mode = block.perms
    return list(plans.values())


def _stage(plan: _Pending) -> None:
    """Write the content to a temporary file beside the target."""
    plan.target.parent.mkdir(parents=True, exist_ok=True)
    fd, plan.temp = tempfile.mkstemp(dir=plan.target.parent, prefix=f".{plan.target.name}.")
    with os.fdopen(fd, "w") as f:
        f.write(plan.content)
        f.flush()
        os.fchmod(f.fileno(), plan.mode)
        os.fsync(f.fileno())


def entitled(blocks: Sequence[FileBlock], allowed: Sequence[str]) -> None:
    """Refuse any block whose path matches none of `allowed` (absolute globs;
    `*` does not cross a `/`)."""
    for block in blocks:
        if not any(PurePosixPath(block.name).match(pattern) for pattern in allowed):
            raise errors.CommandError(f"refusing to write {block.name}: not a file of this sync")


def write(blocks: Sequence[FileBlock], root: Path | None = None,
          allowed: Sequence[str] | None = None) -> list[Path]:
    """Write the blocks under `root` (default STACKI_SYSROOT); all files or none.

    With `allowed`, only those paths may be written (see `entitled`). A file
    that exists and that no sync wrote before is first copied beside itself
    (`hosts.stacki-orig`), once.
    """
    if allowed is not None:
        entitled(blocks, allowed)
    if root is None and privileged.configured():
        try:
            privileged.write(blocks)
        except privileged.Refused as exc:
            raise errors.CommandError(str(exc)) from None
        return [home.system_path(block.name) for block in blocks]
    root = home.sysroot() if root is None else root
    plans = _plan(blocks, root)
    written = _written(root)
    plan = None
    try:
        for plan in plans:
            _stage(plan)
        for plan in plans:
            _keep_original(plan.target, root, written)
        for plan in plans:
            os.replace(plan.temp, plan.target)
            plan.temp = None
    except OSError as exc:
        raise errors.CommandError(f"cannot write {plan.target}: {exc.strerror}") from None
    finally:
        for plan in plans:
            if plan.temp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(plan.temp)
    _record(root, written, [plan.target for plan in plans])
    return [plan.target for plan in plans]


def _real(target: Path, root: Path) -> str:
    return "/" + str(target.relative_to(root))


def _written(root: Path) -> set[str]:
    try:
        return set((root / WRITTEN).read_text().splitlines())
    except (FileNotFoundError, NotADirectoryError):
        return set()


def _keep_original(target: Path, root: Path, written: set[str]) -> None:
    """Copy a file stacki did not write to `<name>.stacki-orig`, unless one exists."""
    if _real(target, root) in written or not target.is_file():
        return
    original = target.with_name(target.name + ORIGINAL)
    try:
        fd = os.open(original, os.O_WRONLY | os.O_CREAT | os.O_EXCL,
                     target.stat().st_mode & 0o777)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as f:
        f.write(target.read_bytes())


def _record(root: Path, written: set[str], targets: Sequence[Path]) -> None:
    new = {_real(t, root) for t in targets} - written
    if not new:
        return
    path = root / WRITTEN
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".written.")
        with os.fdopen(fd, "w") as f:
            f.write("".join(f"{name}\n" for name in sorted(written | new)))
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except OSError as exc:
        raise errors.CommandError(f"cannot write {path}: {exc.strerror}") from None


def read_system_file(path: str) -> list[str] | None:
    """The lines of a system file under STACKI_SYSROOT, or None if it is absent."""
    try:
        return home.system_path(path).read_text(errors="replace").splitlines()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


# --- report script -------------------------------------------------------------

def shell_script(blocks: Sequence[FileBlock], default_root: str) -> list[str]:
    """A POSIX shell script writing the blocks under $STACKI_SYSROOT.

    Like `write`, each file goes to a temporary file first and is renamed in place.
    """
    lines = [
        "#!/bin/sh",
        "# Writes the files of a stack report under $STACKI_SYSROOT.",
        "set -e",
        f'root="${{STACKI_SYSROOT:-{default_root}}}"',
    ]
    for block in blocks:
        path = shlex.quote(block.name)
        parent = shlex.quote(str(PurePosixPath(block.name).parent))
        end = _delimiter(block.lines)
        lines.append(f'mkdir -p "$root"{parent}')
        if block.append:
            lines.append(f"cat >> \"$root\"{path} <<'{end}'")
            lines += block.lines + [end]
            if block.perms is not None:
                lines.append(f'chmod {block.perms:04o} "$root"{path}')
            continue
        lines.append(f'tmp="$root"{shlex.quote(f"{block.name}.stacki.")}$$')
        lines.append(f"cat > \"$tmp\" <<'{end}'")
        lines += block.lines + [end]
        if block.perms is not None:
            lines.append(f'chmod {block.perms:04o} "$tmp"')
        else:
            lines.append(f'if [ -e "$root"{path} ]; then chmod "$(stat -c %a "$root"{path})" '
                         f'"$tmp"; else chmod {DEFAULT_PERMS:04o} "$tmp"; fi')
        lines.append(f'mv -f "$tmp" "$root"{path}')
    return lines


def _delimiter(lines: Sequence[str]) -> str:
    end, n = "STACKI_EOF", 0
    while end in lines:
        n += 1
        end = f"STACKI_EOF_{n}"
    return end


# --- services ----------------------------------------------------------------------

@dataclass(frozen=True)
class Service:
    """A daemon reading generated files: its program and its unit/init names."""

    label: str
    program: str
    units: tuple[str, ...]


DHCPD = Service("dhcpd", "dhcpd", ("dhcpd", "isc-dhcp-server"))
NAMED = Service("named", "named", ("named", "bind9"))
SBIN_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])

Runner = Callable[[list[str]], subprocess.CompletedProcess]


def _run(argv: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(argv, check=False, stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=120)


class ServiceManager:
    """Restarts or stops services with systemd, else with `service`.

    Only acts when files go to the real root (STACKI_SYSROOT is /) and the
    service is installed; says what it did through `progress` and never fails.
    """

    def __init__(self, run: Runner = _run,
                 which: Callable[[str], str | None] = lambda p: shutil.which(p, path=SBIN_PATH),
                 systemd: Callable[[], bool] = lambda: Path("/run/systemd/system").is_dir(),
                 init_dir: Path = Path("/etc/init.d")):
        self.run, self.which, self.systemd, self.init_dir = run, which, systemd, init_dir

    def apply(self, service: Service, running: bool, progress: Callable[[str], None]) -> None:
        """Make the service (re)started and enabled, or stopped and disabled."""
        if privileged.configured():
            try:
                privileged.apply(service.label, running, progress)
            except privileged.Refused as exc:
                progress(f"{service.label}: {exc}")
            return
        if not home.real_system():
            return  # the files went elsewhere: the live service does not read them
        if self.which(service.program) is None:
            progress(f"{service.label} is not installed: not {'restarted' if running else 'stopped'}")
            return
        steps = self._steps(service, running)
        if not steps:
            progress(f"{service.label}: no service manager knows it; "
                     f"{'restart' if running else 'stop'} it by hand")
            return
        for argv in steps:
            try:
                done = self.run(argv)
            except (OSError, subprocess.SubprocessError) as exc:
                progress(f"{service.label}: {' '.join(argv)} failed: {exc}")
                return
            if done.returncode != 0:
                reason = (done.stderr or done.stdout or "").strip().splitlines()
                progress(f"{service.label}: {' '.join(argv)} failed"
                         + (f": {reason[-1]}" if reason else ""))
                return
        progress(f"{service.label} {'restarted' if running else 'stopped'}")

    def _steps(self, service: Service, running: bool) -> list[list[str]] | None:
        if self.systemd() and self.which("systemctl"):
            unit = next((u for u in service.units
                         if self.run(["systemctl", "cat", f"{u}.service"]).returncode == 0), None)
            if unit is None:
                return None
            if running:
                return [["systemctl", "enable", unit], ["systemctl", "restart", unit]]
            return [["systemctl", "disable", unit], ["systemctl", "stop", unit]]
        if self.which("service"):
            unit = next((u for u in service.units if (self.init_dir / u).exists()),
                        service.units[0])
            return [["service", unit, "restart" if running else "stop"]]
        return None


# Replaced by tests (and by anyone who manages services differently).
services = ServiceManager()
