"""The competency framework: a unit, its work tasks and behaviour indicators, its knowledge,
skill (and, for other frameworks, attitude) items, its assessment guidance and notes.

Codes are the product's shared language: T1..T4 for tasks, T1.1..T4.3 for indicators,
K1..K5 (K5.1 for sub-items), S1..S4, A1.. for attitudes, E1..E5 for key evidence items."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable
from wagtail.search import index


class AssessmentMethod(models.TextChoices):
    """The fixed vocabulary of assessment methods the unit names (評量方法)."""

    OBSERVATION = "observation", _("Workplace observation")
    ROLE_PLAY = "role_play", _("Role play")
    CUSTOMER_FEEDBACK = "customer_feedback", _("Customer feedback")
    QUESTIONING = "questioning", _("Questioning (written quiz or oral)")
    PORTFOLIO = "portfolio", _("Portfolio / third-party report")

    @classmethod
    def performance(cls) -> frozenset[str]:
        """Methods that show a person doing the work, not talking about it."""
        return frozenset({cls.OBSERVATION, cls.ROLE_PLAY, cls.PORTFOLIO})

    @classmethod
    def knowledge(cls) -> frozenset[str]:
        return frozenset({cls.QUESTIONING})


class CompetencyUnit(index.Indexed, ClusterableModel):
    class Status(models.TextChoices):
        CURRENT = "current", _("Current")
        SUPERSEDED = "superseded", _("Superseded")

    code = models.CharField(
        _("unit code"), max_length=40, unique=True, help_text=_("Whole code, e.g. KPS5R0821v2")
    )
    base_code = models.CharField(_("base code"), max_length=40, db_index=True)
    version = models.CharField(_("version"), max_length=10, blank=True)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200, blank=True)
    domain = models.CharField(_("domain"), max_length=200, blank=True)
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    framework_name = models.CharField(_("framework"), max_length=100, blank=True)
    source_url = models.URLField(_("source URL"), blank=True)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    source_sha256 = models.CharField(_("SHA-256 of the imported file"), max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.CURRENT
    )
    derived_from = models.ForeignKey(
        "self",
        verbose_name=_("derived from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="derivatives",
        help_text=_("The unit this one translates or adapts."),
    )
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("supersedes"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )

    search_fields = [
        index.SearchField("code"),
        index.SearchField("title"),
        index.SearchField("title_en"),
        index.AutocompleteField("code"),
        index.AutocompleteField("title"),
        index.FilterField("status"),
        index.FilterField("level"),
    ]

    class Meta:
        ordering = ["base_code", "version"]
        verbose_name = _("competency unit")
        verbose_name_plural = _("competency units")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class WorkTask(Orderable):
    unit = ParentalKey(CompetencyUnit, on_delete=models.CASCADE, related_name="tasks")
    number = models.PositiveSmallIntegerField(_("number"))
    code = models.CharField(_("code"), max_length=10, help_text=_("e.g. T1"))
    title = models.CharField(_("title"), max_length=300)

    class Meta(Orderable.Meta):
        verbose_name = _("work task")
        verbose_name_plural = _("work tasks")
        constraints = [
            models.UniqueConstraint(fields=["unit", "code"], name="worktask_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Indicator(Orderable):
    """A behaviour indicator (行為指標), e.g. T2.3. Held on the unit (not nested under the
    task) so that it can be edited inline in the admin; `task` is set by the services."""

    unit = ParentalKey(CompetencyUnit, on_delete=models.CASCADE, related_name="indicators")
    task = models.ForeignKey(
        WorkTask,
        verbose_name=_("work task"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    code = models.CharField(_("code"), max_length=10, help_text=_("e.g. T2.3"))
    text = models.TextField(_("text"))

    class Meta(Orderable.Meta):
        verbose_name = _("behaviour indicator")
        verbose_name_plural = _("behaviour indicators")
        constraints = [
            models.UniqueConstraint(fields=["unit", "code"], name="indicator_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


class CompetencyItem(Orderable):
    """A knowledge, skill or attitude item (K1, S2, A1), optionally a sub-item (K5.1), or one
    of the unit's key evidence items (E1..E5, from 評量之關鍵面向/職能證明之證據): all of them
    are targets the mapping matrix checks for instruments. An item with no text (K5.1 in the
    seed) is kept as imported but is not a target."""

    class Kind(models.TextChoices):
        KNOWLEDGE = "knowledge", _("Knowledge")
        SKILL = "skill", _("Skill")
        ATTITUDE = "attitude", _("Attitude")
        EVIDENCE = "evidence", _("Key evidence")

    unit = ParentalKey(CompetencyUnit, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=12, help_text=_("e.g. K5 or K5.1"))
    text = models.TextField(_("text"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent item"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )

    class Meta(Orderable.Meta):
        verbose_name = _("knowledge / skill item")
        verbose_name_plural = _("knowledge / skill items")
        constraints = [
            models.UniqueConstraint(fields=["unit", "code"], name="competencyitem_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


class UnitGuidance(Orderable):
    """The unit's assessment guidance (評量設計參考), one line each."""

    class Section(models.TextChoices):
        KEY_EVIDENCE = "key_evidence", _("Key evidence")
        CONTEXT = "context", _("Required context and resources")
        METHODS = "methods", _("Assessment methods")
        EXTRA = "extra", _("Extra guidance")

    unit = ParentalKey(CompetencyUnit, on_delete=models.CASCADE, related_name="guidance")
    section = models.CharField(_("section"), max_length=20, choices=Section.choices)
    code = models.CharField(_("number"), max_length=12, blank=True, help_text=_("e.g. 1 or 2.(3)"))
    text = models.TextField(_("text"))
    method = models.CharField(
        _("assessment method"),
        max_length=30,
        choices=AssessmentMethod.choices,
        blank=True,
        help_text=_("For lines of the methods section: the method it names."),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("assessment guidance line")
        verbose_name_plural = _("assessment guidance")

    def __str__(self) -> str:
        return self.text


class UnitNote(Orderable):
    """A note or range statement (說明與補充事項), e.g. the kinds of loyalty program."""

    unit = ParentalKey(CompetencyUnit, on_delete=models.CASCADE, related_name="notes")
    label = models.CharField(_("label"), max_length=20, help_text=_("e.g. 註1"))
    heading = models.CharField(_("heading"), max_length=300)
    items = models.JSONField(_("items"), default=list, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("note")
        verbose_name_plural = _("notes")

    def __str__(self) -> str:
        return f"{self.label} {self.heading}"
