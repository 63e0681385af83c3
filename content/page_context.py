"""How pages of the course tree get the learner's data (progress, position, resume link)
without `content` importing `training`.

`content` defines a Wagtail hook name; `training` registers a function under it
(training/learning_context.py, registered in training/wagtail_hooks.py). Each function is
called as `fn(page=page, request=request)` and returns a dict merged into the template
context (or None). In an admin preview the request is the trainer's: functions must cope with
users who are not enrolled."""

from wagtail import hooks

LEARNING_CONTEXT_HOOK = "content_learning_context"


def learning_context(*, page, request) -> dict:
    context: dict = {}
    for fn in hooks.get_hooks(LEARNING_CONTEXT_HOOK):
        extra = fn(page=page, request=request)
        if extra:
            context.update(extra)
    return context


class LearningContextMixin:
    """Mix into a Page class so its template receives the learner's context."""

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(learning_context(page=self, request=request))
        return context
