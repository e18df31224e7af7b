"""The subcommand that delivers the mail outbox: ``send-mail`` (from cron or a timer)."""

import sys

from shopcms.cli.app import Progress, load, out
from shopcms.mail import send_queued


def add_commands(add):
    """Add this module's subcommand to the ``shopcms`` parser (see ``shopcms.cli``)."""
    add("send-mail", cmd_send_mail, "deliver the mail outbox through SMTP, once")


def cmd_send_mail(args):
    """Deliver the outbox's due mails through the SMTP server of the settings, once.

    Safe beside the running senders of the serving processes (a mail is claimed in a
    transaction).  Exit status 1 when the server could not take them: they stay in the
    outbox for the next run.
    """
    registry = load(args.ini)
    with Progress("send-mail", unit="mails") as progress:
        run = send_queued(registry, progress=progress)
    out(f"sent {run.sent} mail(s), {run.waiting} waiting")
    if run.rejected:
        out(f"{run.rejected} mail(s) refused by the server, kept apart in the outbox")
    if run.error:
        # Not a CommandError: what was sent is reported above, and cron needs status 1
        # (try again later), not 2 (a mistake in the command).
        sys.stderr.write(f"shopcms send-mail: {run.error}\n")
        return 1
    return 0
