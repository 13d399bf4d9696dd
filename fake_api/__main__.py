"""``python -m fake_api [--host 127.0.0.1] [--port N|0] [--seed demo|empty|world.json] [--profile fast]
[--time-scale X] [--quiet]``.

Serves ECS (2014-05-26) and VPC (2016-04-28) on one port. The first line of standard output is exactly
``fake_api listening on http://HOST:PORT`` (with the real port when ``--port 0`` picks a free one), so a
script can start it and read where it is. SIGINT or SIGTERM stops it. ``--profile`` says how long
asynchronous operations take (``instant``, ``fast``, the default, or ``realistic``), ``--time-scale``
multiplies those durations (``--profile realistic --time-scale 1/60``: an image in 10 s).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from fake_api.models.profiles import DEFAULT_PROFILE, PROFILE_NAMES, parse_time_scale
from fake_api.server import DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, run


def _seed(value: str) -> str | dict[str, Any]:
    if value in ("demo", "empty"):
        return value
    path = Path(value)
    if not path.is_file():
        raise argparse.ArgumentTypeError(
            f"--seed takes demo, empty or the path of a world JSON file; {value!r} is none"
        )
    try:
        world = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise argparse.ArgumentTypeError(f"--seed {value}: cannot read a JSON world from it: {error}") from None
    if not isinstance(world, dict):
        raise argparse.ArgumentTypeError(f"--seed {value}: the world must be a JSON object")
    return world


def _time_scale(value: str) -> float:
    try:
        scale = parse_time_scale(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"--time-scale: {error}") from None
    if scale <= 0:
        raise argparse.ArgumentTypeError(f"--time-scale must be > 0 (1/60 makes minutes seconds), got {value}")
    return scale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m fake_api",
        description="A local fake of Alibaba Cloud ECS and VPC, faithful to the wire protocol. "
        f"Credentials: AccessKeyId {DEFAULT_ACCESS_KEY_ID}, secret {DEFAULT_ACCESS_KEY_SECRET}. "
        "Control API (no signature) under /_fake/.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on; 0 (default) picks a free one")
    parser.add_argument("--seed", type=_seed, default="demo", help="demo (default), empty, or a world JSON file")
    parser.add_argument(
        "--profile",
        choices=PROFILE_NAMES,
        default=DEFAULT_PROFILE,
        help="how long asynchronous operations take: instant, fast (default: a few hundred ms to a few "
        "seconds) or realistic (minutes, as on Alibaba Cloud)",
    )
    parser.add_argument(
        "--time-scale",
        type=_time_scale,
        default=1.0,
        metavar="X",
        help="multiply the profile's durations by X, a number or a fraction (1/60: minutes become seconds)",
    )
    parser.add_argument("--quiet", action="store_true", help="do not log each request on standard error")
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error(f"--port must be between 0 and 65535, got {args.port}")
    run(args.host, args.port, args.seed, quiet=args.quiet, profile=args.profile, time_scale=args.time_scale)
    return 0


if __name__ == "__main__":
    sys.exit(main())
