"""Append-only records: rows are written once. Updates and deletes are refused here (the model
layer) and, on PostgreSQL, by triggers from `core/db_guards.py`. A correction is a new
row pointing at the row it corrects."""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(PermissionDenied):
    pass


MESSAGE = _("Records are append-only: record a correction instead of changing or deleting.")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(MESSAGE)

    def delete(self):
        raise AppendOnlyError(MESSAGE)

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError(MESSAGE)


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(MESSAGE)
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(MESSAGE)
