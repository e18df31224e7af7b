"""What other capabilities may use of the contests (the rest of the package is its own).

- :func:`purge_expired`: the retention rules of the contests' entries (``shopcms
  retention``; see ``shopcms.contests.privacy``).
"""

from shopcms.contests.privacy import purge_expired

__all__ = ["purge_expired"]
