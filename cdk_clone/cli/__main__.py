"""``python -m cdk_clone.cli``: the same as the ``cdk-clone`` command."""

from __future__ import annotations

import sys

from cdk_clone.cli import main

sys.exit(main())
