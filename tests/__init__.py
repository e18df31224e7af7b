"""shopcms's tests.

Every test builds a new application, and each would compile all templates again: Chameleon
keeps the compiled templates on disk instead.  The variable is read when chameleon is first
imported, so it is set here, before any test module imports the application.
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault(
    "CHAMELEON_CACHE", str(Path(tempfile.gettempdir()) / f"shopcms-chameleon-{os.getuid()}")
)
Path(os.environ["CHAMELEON_CACHE"]).mkdir(exist_ok=True)
