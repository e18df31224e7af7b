"""The subcommand that sends the newsletter's campaigns: ``send-campaign`` (from cron, a
timer, or by hand with a progress bar)."""

import sys
import time

from tqdm import tqdm

from shopcms.cli.app import CommandError, load, out
from shopcms.newsletter import sending

#: Without a terminal (cron, a log): a progress line at most this often (seconds).
LINE_EVERY = 10


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
        progress = Progress(name)
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


class Progress:
    """``progress(done, total)`` for :func:`~shopcms.newsletter.sending.send`: a bar on a
    terminal (stderr), else a line at most every :data:`LINE_EVERY` seconds and at the end."""

    def __init__(self, name, stream=None):
        self.name = name
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.bar = None
        self.written = None  # when the last line was written
        self.last = None  # (done, total) not written yet

    def __call__(self, done, total):
        if self.tty:
            if self.bar is None:
                self.bar = tqdm(
                    total=total,
                    initial=done,
                    desc=self.name,
                    unit=" mails",
                    file=self.stream,
                    dynamic_ncols=True,
                )
            else:
                self.bar.total = total
                self.bar.update(done - self.bar.n)
            return
        if self.written is None or time.monotonic() - self.written >= LINE_EVERY:
            self._line(done, total)
        else:
            self.last = (done, total)

    def _line(self, done, total):
        share = 100 * done // total if total else 100
        self.stream.write(f"{self.name}: {done}/{total} ({share}%)\n")
        self.stream.flush()
        self.written, self.last = time.monotonic(), None

    def close(self):
        if self.bar is not None:
            self.bar.close()
        elif self.last is not None:  # the end, unless its line was written
            self._line(*self.last)
