"""One sidebar item for every role-gated admin screen: Wagtail's `MenuItem`, shown only to the
users a predicate accepts (e.g. `people.roles.is_trainer`: trainers and admins). The predicate
comes from the app that registers the item, so `core` knows nothing about roles."""

from collections.abc import Callable

from wagtail.admin.menu import MenuItem


class RoleMenuItem(MenuItem):
    def __init__(self, label, url, *, shown_to: Callable[[object], bool], **kwargs):
        super().__init__(label, url, **kwargs)
        self.shown_to = shown_to

    def is_shown(self, request):
        return self.shown_to(request.user)
