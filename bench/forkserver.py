"""The command line at interpreter speed: the fork server and batch mode,
side by side in one run.

    .venv/bin/python bench/forkserver.py [--runs N] [--hosts 10000] [--loop 1000]
                                         [--in-process-loop N]

1. A small command (`stack list appliance`) through the fork server, in-process
   (STACKI_NO_SERVER=1) and `python -c pass` (goal: server <= 3x python -c pass).
2. `stack list host` at --hosts hosts through the server, in-process, and
   bench/list_host_floor.py, plain `sqlite3` (goal: server <= 2x the floor; the
   floor's output is checked to be byte for byte the command's).
3. --loop `stack set host attr` commands as a shell loop through the server and
   in-process, and as one `stack batch` (goals: loop through the server < 120 s,
   batch < 10 s). The in-process loop runs --in-process-loop commands (default
   --loop) and is scaled to --loop when fewer, which the output says.

Commands run as a user runs them: the `stack` console script (a file that
imports stacki.cli and calls run()), from compiled bytecode. Figures are
medians of --runs runs taking turns run by run (wall and CPU milliseconds).
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PYTHON, add_hosts, fresh_home, interleaved  # noqa: E402

HERE = Path(__file__).resolve().parent
CONSOLE_SCRIPT = f"""#!{PYTHON}
import re
import sys
from stacki.cli import run
if __name__ == "__main__":
    sys.argv[0] = re.sub(r"(-script\\.pyw|\\.exe)?$", "", sys.argv[0])
    sys.exit(run())
"""


def console_script(env: dict[str, str]) -> str:
    path = Path(env["HOME"]) / "stack"
    path.write_text(CONSOLE_SCRIPT)
    path.chmod(0o755)
    return str(path)


def start_server(stack: str, env: dict[str, str]) -> subprocess.Popen:
    sock = Path(env["STACKI_HOME"]) / "server" / "stack.sock"
    server = subprocess.Popen([stack, "server"], env=env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not sock.exists():
        if server.poll() is not None:
            raise SystemExit("stack server did not start")
        time.sleep(0.05)
    return server


def check_served(stack: str, env: dict[str, str]) -> None:
    """The figures mean nothing if the server refuses (e.g. code edited since it started)."""
    err = subprocess.run([stack, "--debug", "list", "os", "output-format=null"], env=env,
                         check=True, capture_output=True, text=True).stderr
    if not err.startswith("debug - run by the fork server"):
        raise SystemExit(f"not served by the fork server: {err.strip()}")


def row(name: str, wall: float, cpu: float | None, base: float, base_name: str) -> None:
    cpu_text = f"{cpu * 1000:9.1f}" if cpu is not None else " " * 9
    print(f"  {name:<46} {wall * 1000:9.1f} {cpu_text}  {wall / base:6.2f} x {base_name}")


def side_by_side(title: str, runs: dict[str, list[str]], env: dict[str, str], count: int,
                 base: str, in_process: set[str]) -> None:
    """Interleaved medians; `in_process` names run with STACKI_NO_SERVER=1."""
    wrapped = {name: (["env", "STACKI_NO_SERVER=1", *argv] if name in in_process else argv)
               for name, argv in runs.items()}
    figures = interleaved(wrapped, env, count)
    print(f"{title} (median of {count} runs: wall ms, cpu ms of the process itself "
          "(a served command's work is the server's), ratio of wall times)")
    for name, f in figures.items():
        row(name, f.wall, f.cpu, figures[base].wall, base)


def shell_loop(stack: str, env: dict[str, str], count: int, tag: str) -> float:
    script = (f'for i in $(seq 0 {count - 1}); do '
              f'"{stack}" set host attr backend-$((i / 100))-$((i % 100)) attr={tag} value=$i '
              f'|| exit 1; done')
    start = time.perf_counter()
    subprocess.run(["bash", "-c", script], env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--hosts", type=int, default=10000)
    parser.add_argument("--loop", type=int, default=1000)
    parser.add_argument("--in-process-loop", type=int, default=None)
    opts = parser.parse_args()
    with fresh_home() as env:
        add_hosts(env, max(opts.hosts, opts.loop))
        stack = console_script(env)
        server = start_server(stack, env)
        try:
            check_served(stack, env)
            side_by_side("A small command", {
                "stack list appliance (fork server)": [stack, "list", "appliance"],
                "stack list appliance (in-process)": [stack, "list", "appliance"],
                "python -c pass": [PYTHON, "-c", "pass"],
            }, env, opts.runs, "python -c pass", {"stack list appliance (in-process)"})

            floor = [PYTHON, str(HERE / "list_host_floor.py")]
            listed = subprocess.run([stack, "list", "host"], env=env, check=True,
                                    capture_output=True, text=True).stdout
            floored = subprocess.run(floor, env=env, check=True, capture_output=True,
                                     text=True).stdout
            same = "identical" if listed == floored else "DIFFERENT"
            side_by_side(f"stack list host at {opts.hosts} hosts (+ frontend; floor's output "
                         f"{same})", {
                "stack list host (fork server)": [stack, "list", "host"],
                "stack list host (in-process)": [stack, "list", "host"],
                "plain sqlite3 floor (bench/list_host_floor.py)": floor,
            }, env, opts.runs, "plain sqlite3 floor (bench/list_host_floor.py)",
                {"stack list host (in-process)"})

            n = opts.loop
            print(f"{n} x stack set host attr (wall s)")
            through = shell_loop(stack, env, n, "viaserver")
            print(f"  shell loop, fork server                         {through:9.1f}")
            local_n = opts.in_process_loop or n
            local = shell_loop(stack, {**env, "STACKI_NO_SERVER": "1"}, local_n, "inprocess")
            scaled = local * n / local_n
            note = f" (ran {local_n}, scaled x{n / local_n:g})" if local_n != n else ""
            print(f"  shell loop, in-process                          {scaled:9.1f}{note}")
            lines = "".join(f"set host attr backend-{i // 100}-{i % 100} attr=inbatch "
                            f"value={i}\n" for i in range(n))
            for label, extra in (("one stack batch", []),
                                 ("one stack batch --one-transaction", ["--one-transaction"])):
                start = time.perf_counter()
                subprocess.run([stack, "batch", *extra], env=env,
                               input=lines, text=True, check=True, stdout=subprocess.DEVNULL)
                print(f"  {label:<47} {time.perf_counter() - start:9.1f}")
            check_served(stack, env)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait()


if __name__ == "__main__":
    main()
