from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from content.forms.pages import PageForm


class HomePage(Page):
    """The site's front door: what the academy is, and a way in for each role."""

    intro = models.CharField(_("introduction"), max_length=300, blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1
    template = "content/home_page.html"
    base_form_class = PageForm

    class Meta:
        verbose_name = _("home page")
