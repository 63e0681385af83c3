from django.db import models
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from content.forms.pages import PageForm
from content.page_context import LearningContextMixin
from content.pages.cached_route import CachedRoutePage
from content.selectors.catalogue import course_summaries


class HomePage(CachedRoutePage, LearningContextMixin, Page):
    """The site's front door. Signed out: what the course is (modules, time, role plays) and
    where to verify a certificate. Signed in: the trainee's next step (through the learning
    context hook) and a way in for each role."""

    intro = models.CharField(_("introduction"), max_length=300, blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1
    template = "content/home_page.html"
    base_form_class = PageForm

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if not request.user.is_authenticated:
            context["course_summaries"] = course_summaries()
        return context

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if request.user.is_authenticated:  # personal: the next step, the role cards
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response
