"""A product's images on the desk: the upload (checked and re-encoded by ``images``) and the
removal of an image."""

from pyramid.httpexceptions import HTTPBadRequest, HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from shopcms.products import images
from shopcms.products.resources import Product
from shopcms.products.schemas import RemoveImageSchema, UploadStore, image_upload_schema
from shopcms.products.views.manage_common import MANAGE, refuse_field
from shopcms.products.views.small import Repeated, small
from shopcms.web.forms import Button, FormView, form_view, make_form, validate
from shopcms.web.i18n import _, languages
from shopcms.web.notices import notice

IMAGES_TEMPLATE = "shopcms.products:templates/manage/product_images.pt"
_REMOVE = RemoveImageSchema()


def remove_form(request, product, formid="remove-image"):
    return small(
        make_form(
            request,
            _REMOVE,
            (Button("remove", _("Remove"), css_class="danger"),),
            formid=formid,
            action=request.manage_link(product, "images"),
            css_class="remove-image",
        )
    )


@form_view(context=Product, name="images", renderer=IMAGES_TEMPLATE, **MANAGE)
class ProductImages(FormView):
    """The images of a product, and the form that adds one (``image``, ``alt_LANG``)."""

    formid = "upload"

    def make(self):
        request = self.request
        return make_form(
            request,
            image_upload_schema(languages(request.registry)),
            (Button("add", _("Upload")),),
            formid=self.formid,
            action=request.manage_link(self.context, "images"),
            # The upload is handled in the POST that sends it: a store for this request.
            tmpstore=UploadStore(),
        )

    def values(self):
        product = self.context
        button = Button("remove", _("Remove"), css_class="danger")
        remove = Repeated(self.request, _REMOVE, [button], "remove-image")
        action = self.request.manage_link(product, "images")
        return {
            "product": product,
            "languages": languages(self.request.registry),
            "max_mb": images.MAX_BYTES // 2**20,
            "remove_forms": {
                image.id: remove.render(f"remove-image-{image.id}", {"image_id": image.id}, action)
                for image in product.images
            },
        }

    def succeeded(self, appstruct):
        request, product = self.request, self.context
        alt = {lang: appstruct[f"alt_{lang}"] for lang in languages(request.registry)}
        try:
            images.add_upload(
                product, appstruct["image"]["fp"], {k: v for k, v in alt.items() if v}
            )
        except images.ImageRejected as exc:
            kept = {key: value for key, value in appstruct.items() if key != "image"}
            return self.page(refuse_field(request, self.form, "image", exc.message, kept))
        notice(request, _("The image was added."))
        return HTTPSeeOther(location=request.manage_link(product, "images"))


@view_config(
    context=Product,
    name="images",
    request_method="POST",
    request_param="image_id",
    renderer="shopcms.web:templates/error.pt",
    **MANAGE,
)
def remove_image(context, request):
    """Remove the image ``image_id`` (a POST of the images page's remove buttons)."""
    appstruct, _html = validate(request, remove_form(request, context))
    if appstruct is None:
        raise HTTPBadRequest()
    if not images.remove(context, appstruct["image_id"]):
        raise HTTPNotFound()
    notice(request, _("The image was removed."))
    return HTTPSeeOther(location=request.manage_link(context, "images"))
