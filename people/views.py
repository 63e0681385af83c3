from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.views.decorators.cache import never_cache


class LoginView(auth_views.LoginView):
    template_name = "people/login.html"
    redirect_authenticated_user = True


@never_cache
def healthz(request):
    """A trivial view: load balancers probe it and `make bench` uses it as the baseline."""
    return HttpResponse("ok", content_type="text/plain")
