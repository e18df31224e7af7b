"""What other capabilities may use of reviews (the rest of the package is its own).

The command line's retention deletes closed reviews; the management dashboard shows how
many wait for a moderator.
"""

from shopcms.reviews.privacy import purge_closed
from shopcms.reviews.queries import queue_count

__all__ = ["purge_closed", "queue_count"]
