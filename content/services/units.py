"""Writes about competency units: importing a unit file, superseding a unit, deleting one that
nothing depends on. The parsing itself is pure and lives in `content/unit_import/`."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from content.models.framework import (
    CompetencyItem,
    CompetencyUnit,
    Indicator,
    UnitGuidance,
    UnitNote,
    WorkTask,
)
from content.unit_import import ParsedUnit, ParseError, UnitError, parse_unit

CREATED = "created"
NEW_VERSION = "new_version"
UNCHANGED = "unchanged"


class UnitImportRejected(ValidationError):
    """The file parsed, but importing it would break the rules (same code, other content)."""


class UnitProtected(ValidationError):
    """The unit has evidence, decisions or courses pointing at it."""


@dataclass
class ImportPlan:
    """What importing a file would do: computed without writing anything."""

    parsed: ParsedUnit
    sha256: str
    status: str  # CREATED | NEW_VERSION | UNCHANGED
    existing: CompetencyUnit | None = None  # the unit already holding this content
    supersedes: CompetencyUnit | None = None  # the version the import would supersede

    @property
    def counts(self) -> dict[str, int]:
        p = self.parsed
        return {
            "tasks": len(p.tasks),
            "indicators": len(p.indicators),
            "knowledge": len([i for i in p.items if i.kind == "knowledge"]),
            "skills": len([i for i in p.items if i.kind == "skill"]),
            "attitudes": len([i for i in p.items if i.kind == "attitude"]),
            "guidance": sum(len(s.lines) for s in p.guidance),
            "notes": len(p.notes),
        }


@dataclass
class ImportResult:
    status: str
    unit: CompetencyUnit
    superseded: CompetencyUnit | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.status != UNCHANGED

    @property
    def message(self) -> str:
        if self.status == UNCHANGED:
            return _(
                "Unit %(code)s is already imported with this content; nothing was changed."
            ) % {"code": self.unit.code}
        if self.status == NEW_VERSION and self.superseded is not None:
            return _("Unit %(code)s imported as a new version; %(old)s is now superseded.") % {
                "code": self.unit.code,
                "old": self.superseded.code,
            }
        return _("Unit %(code)s imported.") % {"code": self.unit.code}


# --------------------------------------------------------------------------- comparing content


def _version_number(version: str) -> int:
    match = re.search(r"\d+", version or "")
    return int(match.group()) if match else 0


def _parsed_signature(p: ParsedUnit) -> dict:
    return {
        "title": p.title,
        "title_en": p.title_en,
        "domain": p.domain,
        "level": p.level,
        "tasks": [(t.code, t.title) for t in p.tasks],
        "indicators": [(i.code, t.code, i.text) for t in p.tasks for i in t.indicators],
        "items": sorted(
            (i.kind, i.code, i.text, parent.code if parent else "")
            for top in [*p.knowledge, *p.skills, *p.attitudes, *p.evidence_items]
            for i, parent in [(top, None), *[(c, top) for c in top.children]]
        ),
        "guidance": [
            (s.section, line.code, line.text, line.method) for s in p.guidance for line in s.lines
        ],
        "notes": [(n.label, n.heading, list(n.items)) for n in p.notes],
    }


def _unit_signature(unit: CompetencyUnit) -> dict:
    tasks = list(unit.tasks.order_by("sort_order", "pk"))
    task_code = {t.pk: t.code for t in tasks}
    items = list(unit.items.all())
    item_code = {i.pk: i.code for i in items}
    return {
        "title": unit.title,
        "title_en": unit.title_en,
        "domain": unit.domain,
        "level": unit.level,
        "tasks": [(t.code, t.title) for t in tasks],
        "indicators": [
            (i.code, task_code.get(i.task_id, ""), i.text)
            for i in unit.indicators.order_by("sort_order", "pk")
        ],
        "items": sorted((i.kind, i.code, i.text, item_code.get(i.parent_id, "")) for i in items),
        "guidance": [
            (g.section, g.code, g.text, g.method)
            for g in unit.guidance.order_by("sort_order", "pk")
        ],
        "notes": [
            (n.label, n.heading, list(n.items)) for n in unit.notes.order_by("sort_order", "pk")
        ],
    }


# --------------------------------------------------------------------------- import


def unit_import_plan(*, data: bytes, filename: str) -> ImportPlan:
    """Parse the file and decide what importing it would do. Writes nothing. Raises ParseError
    for a bad file and UnitImportRejected when the import is not allowed."""
    sha = hashlib.sha256(data).hexdigest()
    parsed = parse_unit(data, filename)
    existing = CompetencyUnit.objects.filter(code=parsed.code).first()
    if existing is not None:
        if existing.source_sha256 == sha or _unit_signature(existing) == _parsed_signature(parsed):
            return ImportPlan(parsed=parsed, sha256=sha, status=UNCHANGED, existing=existing)
        raise UnitImportRejected(
            _(
                "Unit %(code)s is already imported with different content. A changed unit "
                "must carry a new version in its code (for example %(base)sv%(next)s); "
                "nothing was imported."
            )
            % {
                "code": parsed.code,
                "base": parsed.base_code,
                "next": _version_number(parsed.version) + 1,
            }
        )
    same_file = CompetencyUnit.objects.filter(source_sha256=sha).first()
    if same_file is not None:  # pragma: no cover - same bytes always carry the same code
        return ImportPlan(parsed=parsed, sha256=sha, status=UNCHANGED, existing=same_file)
    siblings = sorted(
        CompetencyUnit.objects.filter(base_code=parsed.base_code),
        key=lambda u: _version_number(u.version),
    )
    if not siblings:
        return ImportPlan(parsed=parsed, sha256=sha, status=CREATED)
    newest = siblings[-1]
    if _version_number(newest.version) >= _version_number(parsed.version):
        raise UnitImportRejected(
            _(
                "A newer or equal version (%(existing)s) of unit %(base)s is already imported; "
                "%(code)s was not imported."
            )
            % {"existing": newest.code, "base": parsed.base_code, "code": parsed.code}
        )
    return ImportPlan(parsed=parsed, sha256=sha, status=NEW_VERSION, supersedes=newest)


def _create_unit(parsed: ParsedUnit, sha: str, supersedes: CompetencyUnit | None) -> CompetencyUnit:
    unit = CompetencyUnit.objects.create(
        code=parsed.code,
        base_code=parsed.base_code,
        version=parsed.version,
        title=parsed.title,
        title_en=parsed.title_en,
        domain=parsed.domain,
        level=parsed.level,
        framework_name=parsed.framework_name,
        source_url=parsed.source_url,
        imported_at=timezone.now(),
        source_sha256=sha,
        status=CompetencyUnit.Status.CURRENT,
        supersedes=supersedes,
    )
    tasks = WorkTask.objects.bulk_create(
        WorkTask(unit=unit, number=t.number, code=t.code, title=t.title, sort_order=n)
        for n, t in enumerate(parsed.tasks)
    )
    Indicator.objects.bulk_create(
        Indicator(unit=unit, task=task, code=i.code, text=i.text, sort_order=n)
        for n, (task, i) in enumerate(
            (task, i) for task, pt in zip(tasks, parsed.tasks, strict=True) for i in pt.indicators
        )
    )
    evidence = parsed.evidence_items  # key evidence items E1.., after the K/S/A items
    tops = [*parsed.knowledge, *parsed.skills, *parsed.attitudes, *evidence]
    order = {id(item): n for n, item in enumerate([*parsed.items, *evidence])}
    parents = CompetencyItem.objects.bulk_create(
        CompetencyItem(unit=unit, kind=i.kind, code=i.code, text=i.text, sort_order=order[id(i)])
        for i in tops
    )
    CompetencyItem.objects.bulk_create(
        CompetencyItem(
            unit=unit, kind=c.kind, code=c.code, text=c.text, parent=parent, sort_order=order[id(c)]
        )
        for parent, top in zip(parents, tops, strict=True)
        for c in top.children
    )
    UnitGuidance.objects.bulk_create(
        UnitGuidance(
            unit=unit, section=s.section, code=g.code, text=g.text, method=g.method, sort_order=n
        )
        for n, (s, g) in enumerate((s, g) for s in parsed.guidance for g in s.lines)
    )
    UnitNote.objects.bulk_create(
        UnitNote(
            unit=unit, label=note.label, heading=note.heading, items=list(note.items), sort_order=n
        )
        for n, note in enumerate(parsed.notes)
    )
    return unit


@transaction.atomic
def unit_import(*, data: bytes, filename: str, user=None) -> ImportResult:
    """Import a unit file (iCAP export, YAML or JSON). Atomic and idempotent: the same content
    again is a no-op; a new version supersedes the old one, which keeps its rows and evidence.
    Raises ParseError (bad file) or UnitImportRejected (same code, other content)."""
    plan = unit_import_plan(data=data, filename=filename)
    if plan.status == UNCHANGED:
        return ImportResult(status=UNCHANGED, unit=plan.existing, warnings=plan.parsed.warnings)
    superseded = None
    if plan.supersedes is not None:
        previous = CompetencyUnit.objects.select_for_update(of=("self",)).get(pk=plan.supersedes.pk)
        CompetencyUnit.objects.filter(base_code=plan.parsed.base_code).update(
            status=CompetencyUnit.Status.SUPERSEDED
        )
        previous.status = CompetencyUnit.Status.SUPERSEDED
        superseded = previous
    unit = _create_unit(plan.parsed, plan.sha256, superseded)
    return ImportResult(
        status=plan.status, unit=unit, superseded=superseded, warnings=plan.parsed.warnings
    )


# --------------------------------------------------------------------------- supersede / delete


@transaction.atomic
def unit_supersede(*, unit: CompetencyUnit, by: CompetencyUnit, user=None) -> CompetencyUnit:
    """Mark `unit` superseded by `by` (which becomes current). Rows and evidence stay."""
    if unit.pk == by.pk:
        raise ValidationError(_("A unit cannot supersede itself."))
    if by.supersedes_id not in (None, unit.pk):
        raise ValidationError(_("%(code)s already supersedes another unit.") % {"code": by.code})
    if unit.supersedes_id == by.pk:
        raise ValidationError(
            _("%(old)s supersedes %(new)s; the link cannot go both ways.")
            % {"old": unit.code, "new": by.code}
        )
    CompetencyUnit.objects.filter(pk=unit.pk).update(status=CompetencyUnit.Status.SUPERSEDED)
    CompetencyUnit.objects.filter(pk=by.pk).update(
        status=CompetencyUnit.Status.CURRENT, supersedes=unit
    )
    unit.status = CompetencyUnit.Status.SUPERSEDED
    by.status = CompetencyUnit.Status.CURRENT
    by.supersedes = unit
    return by


def _reverse_relations(model):
    for rel in model._meta.get_fields(include_hidden=True):
        if (
            rel.auto_created
            and not rel.concrete
            and (rel.one_to_many or rel.one_to_one or rel.many_to_many)
        ):
            yield rel


def unit_deletion_blockers(unit: CompetencyUnit) -> list[str]:
    """Why the unit cannot be deleted: PROTECTed rows (decisions, courses...) and anything in
    another app (evidence, attempts...) that points at the unit, its tasks, indicators or
    items. Empty when it may be deleted."""
    found: Counter[str] = Counter()
    collector = Collector(using=router.db_for_write(CompetencyUnit))
    try:
        collector.collect([unit])
    except ProtectedError as exc:
        for obj in exc.protected_objects:
            found[str(obj._meta.verbose_name_plural)] += 1
    except RestrictedError as exc:
        for obj in exc.restricted_objects:
            found[str(obj._meta.verbose_name_plural)] += 1
    targets = (
        (CompetencyUnit, [unit.pk]),
        (WorkTask, list(unit.tasks.values_list("pk", flat=True))),
        (Indicator, list(unit.indicators.values_list("pk", flat=True))),
        (CompetencyItem, list(unit.items.values_list("pk", flat=True))),
    )
    for model, ids in targets:
        if not ids:
            continue
        for rel in _reverse_relations(model):
            other = rel.related_model
            if other._meta.app_label == "content" or other._meta.auto_created:
                continue
            if rel.many_to_many:
                count = (
                    other._default_manager.filter(**{f"{rel.field.name}__in": ids})
                    .distinct()
                    .count()
                )
            else:
                if rel.on_delete is models.PROTECT:
                    continue  # already counted by the collector
                count = other._default_manager.filter(**{f"{rel.field.name}__in": ids}).count()
            if count:
                found[str(other._meta.verbose_name_plural)] += count
    return [f"{name} ({count})" for name, count in sorted(found.items())]


@transaction.atomic
def unit_delete(*, unit: CompetencyUnit, user=None) -> None:
    """Delete a unit nothing depends on; otherwise refuse: it can only be superseded."""
    blockers = unit_deletion_blockers(unit)
    if blockers:
        raise UnitProtected(
            _(
                "Unit %(code)s cannot be deleted because other records refer to it: %(what)s. "
                "Supersede it with a new version instead."
            )
            % {"code": unit.code, "what": ", ".join(blockers)}
        )
    try:
        unit.delete()
    except (ProtectedError, RestrictedError) as exc:  # pragma: no cover - checked above
        raise UnitProtected(str(exc)) from exc


__all__ = [
    "CREATED",
    "NEW_VERSION",
    "UNCHANGED",
    "ImportPlan",
    "ImportResult",
    "ParseError",
    "UnitError",
    "UnitImportRejected",
    "UnitProtected",
    "unit_deletion_blockers",
    "unit_delete",
    "unit_import",
    "unit_import_plan",
    "unit_supersede",
]
