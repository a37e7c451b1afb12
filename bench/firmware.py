"""Firmware at scale, as whole `stack` processes.

    .venv/bin/python bench/firmware.py [--images 1000] [--hosts 1000] [--runs 3]

Makes N firmware images (1 KiB files from one local source, spread over ten
models) and maps every backend to one of them, then times `stack list
firmware expanded=true`, `stack list host firmware mapping`, `stack dump
firmware`, `stack sync firmware` over a consistent tree (every file hashed)
and `stack sync firmware` after the tree was deleted (every image fetched
again). Each figure is the process's wall time, CPU time and peak memory.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import STACK, add_hosts, fresh_home, in_home, measure, median


def make_images(env: dict[str, str], images: int, source: Path) -> None:
    in_home(env, f"""
import hashlib
from stacki.inventory import firmware as fw, models as m
data = open({str(source)!r}, "rb").read()
digest = hashlib.md5(data).hexdigest()
imp = m.FirmwareImp.objects.create(name="mellanox")
make = m.FirmwareMake.objects.create(name="mellanox")
models = [m.FirmwareModel.objects.create(name=f"m{{i}}", make=make, imp=imp) for i in range(10)]
rows = []
for i in range({images}):
    target = fw.new_file("mellanox", models[i % 10].name)
    fw.local(target).parent.mkdir(parents=True, exist_ok=True)
    fw.local(target).write_bytes(data)
    rows.append(m.Firmware(model=models[i % 10], version=f"1.{{i}}", source={str(source)!r},
                           hash_alg="md5", hash=digest, file=str(target)))
m.Firmware.objects.bulk_create(rows, batch_size=2000)
images = list(m.Firmware.objects.order_by("id"))
hosts = m.Host.objects.filter(name__startswith="backend-").order_by("id")
m.FirmwareMapping.objects.bulk_create(
    [m.FirmwareMapping(host=h, firmware=images[n % len(images)]) for n, h in enumerate(hosts)],
    batch_size=2000)
""")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    opts = parser.parse_args()
    with fresh_home() as env:
        source = Path(env["HOME"]) / "image.bin"
        source.write_bytes(bytes(range(256)) * 4)
        add_hosts(env, opts.hosts)
        make_images(env, opts.images, source)
        tree = Path(env["STACKI_SYSROOT"]) / "export/stack/firmware"
        print(f"firmware: {opts.images} images, {opts.hosts} hosts mapped, median of {opts.runs}")
        commands = {
            "list firmware expanded=true": ["list", "firmware", "expanded=true"],
            "list host firmware mapping": ["list", "host", "firmware", "mapping"],
            "dump firmware": ["dump", "firmware"],
            "sync firmware (tree consistent)": ["sync", "firmware"],
        }
        for name, words in commands.items():
            figure = median([measure(STACK + words, env) for _ in range(opts.runs)])
            print(f"  {name:<40} {figure.wall:7.2f} s wall {figure.cpu:7.2f} s cpu "
                  f"{figure.peak:7.1f} MiB peak")
        samples = []
        for _ in range(opts.runs):
            shutil.rmtree(tree)
            samples.append(measure(STACK + ["sync", "firmware"], env))
        figure = median(samples)
        print(f"  {'sync firmware (every image fetched)':<40} {figure.wall:7.2f} s wall "
              f"{figure.cpu:7.2f} s cpu {figure.peak:7.1f} MiB peak")


if __name__ == "__main__":
    main()
