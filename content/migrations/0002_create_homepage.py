from django.db import migrations


def create_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("content.HomePage")
    Locale = apps.get_model("wagtailcore.Locale")

    # Replace Wagtail's placeholder welcome page with our HomePage, as Wagtail's own
    # project template does.
    Page.objects.filter(id=2, slug="home", content_type__model="page").delete()
    homepage_content_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="content")
    locale = Locale.objects.order_by("pk").first()
    homepage = HomePage.objects.create(
        title="Loyalty Academy 顧客忠誠度學院",
        draft_title="Loyalty Academy 顧客忠誠度學院",
        slug="home",
        content_type=homepage_content_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=locale,
        intro="門市人員的顧客忠誠度方案與客訴處理培訓，對應 iCAP 職能單元 KPS5R0821v2。",
    )
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "root_page": homepage, "site_name": "Loyalty Academy"},
    )


def remove_homepage(apps, schema_editor):
    apps.get_model("content.HomePage").objects.filter(slug="home", depth=2).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0001_initial"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_homepage, remove_homepage)]
