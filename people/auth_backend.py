"""Django's model backend, fetching the signed-in user's profile (their printed name, store
and notification choices, shown on every page) in the same query as the user."""

from django.contrib.auth.backends import ModelBackend

from people.models import User


class ProfileModelBackend(ModelBackend):
    def get_user(self, user_id):
        user = User._default_manager.select_related("profile").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
