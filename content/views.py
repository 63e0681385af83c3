from wagtail.views import serve


def home(request):
    """The site root, named so that `{% url 'home' %}` and language switching work."""
    return serve(request, "")
