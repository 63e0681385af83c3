"""The site's home page: created by migration 0002 on a real database, and by this service
where the schema was built without migrations (the test suite)."""

from django.db import transaction
from wagtail.models import Page, Site

from content.pages.home import HomePage

HOME_TITLE = "Loyalty Academy 顧客忠誠度學院"
HOME_INTRO = "門市人員的顧客忠誠度方案與客訴處理培訓，對應 iCAP 職能單元 KPS5R0821v2。"


@transaction.atomic
def site_ensure_home() -> HomePage:
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        if root is None:
            root = Page.add_root(title="Root", slug="root")
        home = root.add_child(instance=HomePage(title=HOME_TITLE, slug="home", intro=HOME_INTRO))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "root_page": home, "site_name": "Loyalty Academy"},
    )
    return home
