"""Benchmark: SIGKILL of Terraform and the ecsclone provider at random points of a cross-region deploy with data
(amount 5) and of a destroy, each followed by the same command again, on the fake with real durations.

The longer run of the suite's kill test (``tests/e2e/test_kill_rounds.py``, same harness): it prints the kills,
the objects no state named right after each kill, the orphans and duplicates left after the next run, the
rounds that converged in one more run, and one line per round. Exit status 1 if any round did not converge
cleanly.

    .venv/bin/python benchmarks/kill_rounds.py [--deploy-kills 30] [--destroy-kills 6] [--seed N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The harness lives with the end-to-end tests that use it.
sys.path.insert(0, str(ROOT / "tests" / "e2e"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deploy-kills", type=int, default=30)
    parser.add_argument("--destroy-kills", type=int, default=6)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args(argv)

    from kill_harness import PROFILE, KillHarness

    from fake_api import serve

    os.environ.setdefault("CHECKPOINT_DISABLE", "1")
    os.environ.setdefault("CDK_CLONE_POLL_INTERVAL", "0.05")
    with serve(seed="demo") as fake, tempfile.TemporaryDirectory(prefix="cdk-clone-kill-") as temp:
        os.environ.update(
            CDK_CLONE_ENDPOINT=fake.url,
            ALIBABA_CLOUD_ACCESS_KEY_ID=fake.access_key_id,
            ALIBABA_CLOUD_ACCESS_KEY_SECRET=fake.access_key_secret,
        )
        harness = KillHarness(fake, Path(temp) / "app", amount=5, seed=args.seed)
        harness.prepare()
        started = time.monotonic()
        figures = harness.run(deploy_kills=args.deploy_kills, destroy_kills=args.destroy_kills)
        wall = time.monotonic() - started
    print(f"seed {args.seed}; the fake's {PROFILE!r} time profile")
    print("\n".join(figures.lines()))
    print(f"wall time {wall:.1f} s")
    return 0 if all(r.ok for r in figures.rounds) else 1


if __name__ == "__main__":
    raise SystemExit(main())
