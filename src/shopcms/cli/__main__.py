"""``python -m shopcms.cli``: the ``shopcms`` command, as ``python -m`` ran the old module."""

import sys

from shopcms.cli import main

sys.exit(main())
