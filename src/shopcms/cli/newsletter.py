"""The subcommand that sends the newsletter's campaigns: ``send-campaign`` (from cron, a
timer, or by hand with a progress bar)."""

import sys

from shopcms.cli.app import CommandError, Progress, load, out
from shopcms.newsletter import sending


def add_commands(add):
    """Add this module's subcommand to the ``shopcms`` parser (see ``shopcms.cli``)."""
    p = add("send-campaign", cmd_send_campaign, "queue the mails of the due newsletter campaigns")
    p.add_argument("name", nargs="?", help="only this campaign (due, or sending)")


def cmd_send_campaign(args):
    """Queue one mail per active subscriber of each due campaign (or of the campaign NAME)
    in the outbox, in batches of ``shopcms.newsletter.batch_size`` per transaction; the mail
    sender delivers them.

    A run that stops half-way (killed, a crash) is resumed by the next: nobody gets a
    campaign twice.  Safe beside the server's newsletter timer.  Exit status 2 for a NAME
    that is no campaign, a draft or not due yet; 1 when conflicts stopped a campaign for
    now (run again).
    """
    registry = load(args.ini)
    names = [args.name] if args.name else sending.due_names(registry)
    if not names:
        out("no campaign is due")
    status = 0
    for name in names:
        progress = Progress(name, unit="mails")
        try:
            report = sending.send(registry, name, progress=progress)
        except sending.SendError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            progress.close()
        for run in report.campaigns:
            out(
                f"campaign {run.name}: {run.state}; queued {run.queued_total} "
                f"({run.queued} in this run), skipped {run.skipped_total}, total {run.total}"
            )
            if run.interrupted:
                sys.stderr.write(f"shopcms send-campaign: {run.name} stopped by conflicts\n")
                status = 1
    return status
