"""Demo data for certificates (idempotent): the signing key, the design setting, and a
certificate for every current Competent decision that has none yet. Run after the
decisions demo loader."""

from django.db.models import Exists, OuterRef

from assessments.models.certificates import Certificate, CertificateDesign
from assessments.models.decisions import Decision
from assessments.services.certificates import AlreadyIssued, CertificateError, certificate_issue
from assessments.services.signing_keys import certificate_signing_key_create


def load() -> None:
    certificate_signing_key_create()
    design = CertificateDesign.load()
    if not design.footer_text_zh:
        design.footer_text_zh = "台北市信義區示範路 1 號"
        design.footer_text_en = "1 Demo Road, Xinyi District, Taipei"
        design.save()
    pending = (
        Decision.objects.filter(outcome=Decision.Outcome.COMPETENT)
        .exclude(Exists(Certificate.objects.filter(decision=OuterRef("pk"))))
        .exclude(Exists(Decision.objects.filter(corrects=OuterRef("pk"))))
    )
    for decision in pending:
        try:
            certificate_issue(decision=decision, issued_by=None)
        except (AlreadyIssued, CertificateError):
            continue
