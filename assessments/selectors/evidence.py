"""Evidence lists for the trainee page, the assessor's trainee page and detail pages."""

from django.db.models import Prefetch

from assessments.models.evidence import EvidenceLine, EvidenceRecord, Judgement, ThirdPartyRequest


def evidence_for_trainee(*, trainee, unit) -> list[EvidenceRecord]:
    records = list(
        EvidenceRecord.objects.filter(trainee=trainee, unit=unit)
        .select_related("recorded_by__profile", "corrects")
        .prefetch_related(
            Prefetch("lines", queryset=EvidenceLine.objects.select_related("indicator")),
            Prefetch(
                "judgements",
                queryset=Judgement.objects.select_related("assessor__profile").prefetch_related(
                    "indicators"
                ),
            ),
            "corrections",
        )
    )
    for record in records:
        judgements = list(record.judgements.all())
        record.latest_judgement = judgements[0] if judgements else None
        record.superseded = bool(list(record.corrections.all()))
    return records


def third_party_requests_for(*, trainee, unit) -> list[ThirdPartyRequest]:
    return list(
        ThirdPartyRequest.objects.filter(trainee=trainee, unit=unit).select_related(
            "requested_by__profile"
        )
    )
