"""Forms of the privacy app: acknowledging the notice, the retention rule (with the minimums
of privacy.record_kinds), and the confirmation of an erasure."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from privacy.record_kinds import KINDS, RetentionAction


class NoticeAcknowledgeForm(forms.Form):
    read = forms.BooleanField(
        label=_("I have read this notice about my personal data."),
        error_messages={"required": _("Tick the box to confirm that you have read the notice.")},
    )


class RetentionRuleForm(WagtailAdminModelForm):
    def clean(self):
        data = super().clean()
        kind = data.get("kind") or getattr(self.instance, "kind", None)
        months, action = data.get("months"), data.get("action")
        if kind not in KINDS:
            return data
        info = KINDS[kind]
        if months is not None and months < info.minimum_months:
            self.add_error(
                "months",
                _(
                    "At least %(minimum)d months for this kind of record (%(years)s years): "
                    "%(reason)s"
                )
                % {
                    "minimum": info.minimum_months,
                    "years": f"{info.minimum_months / 12:g}",
                    "reason": info.reason,
                },
            )
        if action and action not in info.actions:
            allowed = "、".join(str(RetentionAction(a).label) for a in info.actions)
            self.add_error(
                "action",
                _("Not allowed for this kind of record. Allowed: %(allowed)s.")
                % {"allowed": allowed},
            )
        return data


class ErasureConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have checked the list: erase or anonymise what can be erased now."),
        error_messages={"required": _("Tick the box to confirm the erasure.")},
    )
