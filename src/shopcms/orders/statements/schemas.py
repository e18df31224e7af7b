"""The order desk's forms for a bank statement: the upload and the preview's "Confirm"."""

import colander
import deform

from shopcms.products.api import ImageUploadWidget, UploadStore
from shopcms.web.forms import CSRFSchema
from shopcms.web.forms.types import Text
from shopcms.web.i18n import _

#: A statement uploaded in the desk is carried in the preview's form, signed: at most this
#: big (a month of a small shop's CODA is some tens of kB; the command takes more).
STATEMENT_MAX_BYTES = 5 * 2**20
#: What the browser's file chooser offers (the content decides, never the name).
STATEMENT_TYPES = ".cod,.coda,.txt,.xml,.csv,text/plain,text/csv,application/xml,text/xml"


@colander.deferred
def _statement_widget(node, kw):
    return ImageUploadWidget(kw.get("tmpstore", UploadStore()), accept=STATEMENT_TYPES)


class StatementUploadSchema(CSRFSchema):
    """The bank statement to preview: one file (CODA, CAMT.053 or CSV)."""

    statement = colander.SchemaNode(
        deform.FileData(),
        title=_("Bank statement (CODA, CAMT.053 or CSV)"),
        missing_msg=_("Choose the bank statement file to upload."),
        widget=_statement_widget,
    )


class StatementConfirmSchema(CSRFSchema):
    """The preview's "Confirm": the previewed statement, signed (``views.statements``)."""

    token = colander.SchemaNode(
        Text(max_length=2 * STATEMENT_MAX_BYTES),
        widget=deform.widget.HiddenWidget(),
        validator=colander.Regex(r"^[A-Za-z0-9_.:=-]+$"),
    )
