"""The progress line of a campaign, as the desk shows it (list and campaign page), from
the fields ``shopcms.newsletter.sending`` keeps: queued of total, state, started,
finished."""

from shopcms.newsletter.resources import DRAFT, SCHEDULED, SENDING, SENT
from shopcms.web.i18n import _
from shopcms.web.layout import format_moment

STATE_TITLES = {
    DRAFT: _("Draft"),
    SCHEDULED: _("Scheduled"),
    SENDING: _("Sending"),
    SENT: _("Sent"),
}


def progress(request, campaign):
    """``state`` (translated title), ``line`` (queued of total, or None before sending),
    ``percent`` (0-100), ``send_at``, ``started``, ``finished`` (formatted or None)."""

    def moment(value):
        return format_moment(request, value) if value is not None else None

    queued, total = campaign.queued.value, campaign.total
    line = None
    if campaign.state in (SENDING, SENT) or queued:
        line = _(
            "Queued: ${queued} of ${total}; not sent (suppressed): ${skipped}",
            mapping={"queued": queued, "total": total, "skipped": campaign.skipped.value},
        )
    return {
        "state": STATE_TITLES.get(campaign.state, campaign.state),
        "line": line,
        "percent": min(100, round(100 * queued / total)) if total else 0,
        "send_at": moment(campaign.send_at),
        "started": moment(campaign.started),
        "finished": moment(campaign.finished),
    }
