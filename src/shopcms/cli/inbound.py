"""The subcommand that reads the shop's mailbox: ``process-inbound`` (from cron or a timer)."""

import imaplib
import sys

from shopcms.cli.app import CommandError, load, out
from shopcms.newsletter.inbound.mailbox import InboundError
from shopcms.newsletter.inbound.process import run


def add_commands(add):
    """Add this module's subcommand to the ``shopcms`` parser (see ``shopcms.cli``)."""
    add("process-inbound", cmd_process_inbound, "act on unsubscribe mails and bounces, once")


def cmd_process_inbound(args):
    """Read the unread messages of the shop's mailbox (shopcms.newsletter.inbound), once.

    Unsubscribe requests and hard bounces end the subscription and suppress the address,
    and are moved to the processed folder; anything else stays unread.  Prints one line of
    counts.  Exit status 2 when the setting is missing or the server refuses the login; 1
    when the server could not be reached or failed (what was done is kept).
    """
    registry = load(args.ini)
    try:
        report = run(registry)
    except InboundError as error:
        raise CommandError(str(error)) from error
    except (OSError, imaplib.IMAP4.error) as error:
        # Not a CommandError: cron needs status 1 (try again later), as send-mail does.
        sys.stderr.write(f"shopcms process-inbound: the mailbox failed: {error}\n")
        return 1
    out(report.line())
    return 1 if report.failed else 0
