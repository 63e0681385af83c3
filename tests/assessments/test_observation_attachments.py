"""Photos and audio on observation items: checked by content, photos stored without EXIF
(no GPS), served only to the draft's assessor while open and, once submitted, by the rule of
evidence files (the trainee, assessors in scope, admins; not trainers); append-only after
submission."""

import io
import struct

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from assessments.models.attachments import EvidenceAttachment, ObservationAttachment
from assessments.models.evidence import ObservationDraft
from assessments.services.observation_attachments import AUDIO_MAX_BYTES, PHOTO_MAX_BYTES
from content.models.observation import ObservationItem
from core.append_only import AppendOnlyError
from tests.factories.workspace import workspace_build

pytestmark = pytest.mark.django_db


def gps_jpeg() -> bytes:
    """A JPEG whose EXIF names a camera and a GPS position (Taipei 101)."""
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "LoyaltyCam"  # Make
    gps = {1: "N", 2: (25.0, 2.0, 0.0), 3: "E", 4: (121.0, 33.0, 0.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def wav(seconds: float) -> bytes:
    rate, channels, width = 8000, 1, 1
    frames = int(rate * seconds)
    header = b"RIFF" + struct.pack("<I", 36 + frames) + b"WAVE"
    fmt = b"fmt " + struct.pack("<IHHIIHH", 16, 1, channels, rate, rate * width, width, 8)
    return header + fmt + b"data" + struct.pack("<I", frames) + b"\x80" * frames


def _url(name, *args):
    with translation.override("zh-hant"):
        return reverse(name, args=args)


@pytest.fixture
def ws(trainee, assessor):
    return workspace_build(assessor=assessor, trainees=[trainee])


@pytest.fixture
def draft(ws, trainee, assessor_client):
    assessor_client.post(
        _url("assessments:observation_start", trainee.pk, "observation"), {"context": "till"}
    )
    return ObservationDraft.objects.get()


@pytest.fixture
def key(ws):
    return f"o{ObservationItem.objects.get(indicator=ws.indicators[0]).pk}"


def _attach(client, draft, key, kind, name, content):
    return client.post(
        _url("assessments:observation_attachment_new", draft.pk),
        {"item": key, "kind": kind, "file": SimpleUploadedFile(name, content)},
        HTTP_X_REQUESTED_WITH="fetch",
    )


def test_a_photo_is_stored_without_exif_and_carried_to_the_evidence(
    ws, draft, key, trainee, assessor_client, client_as
):
    original = gps_jpeg()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the fixture has GPS
    response = _attach(assessor_client, draft, key, "photo", "IMG_0001.jpg", original)
    assert response.status_code == 200 and response.json()["ok"]
    attachment = ObservationAttachment.objects.get()
    stored = storages["private"].open(attachment.file_name).read()
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG" and not image.getexif() and "exif" not in image.info
    assert b"LoyaltyCam" not in stored
    # The checklist page shows it; only the draft's assessor can open it.
    page = assessor_client.get(_url("assessments:observation", draft.pk)).content.decode()
    assert _url("assessments:observation_attachment", attachment.pk) in page
    got = assessor_client.get(_url("assessments:observation_attachment", attachment.pk))
    assert got.status_code == 200 and got["Content-Type"] == "image/jpeg"
    assert got["X-Content-Type-Options"] == "nosniff"
    trainee_client, _ = client_as("trainee")
    assert trainee_client.get(
        _url("assessments:observation_attachment", attachment.pk)
    ).status_code in (403, 404)
    # Submitting (confirmed) carries it to the evidence, append-only.
    item = key
    done = assessor_client.post(
        _url("assessments:observation", draft.pk),
        {
            "occurred_on": timezone.localdate().isoformat(),
            "place": "門市",
            "environment": "real",
            "summary": "拍照記錄",
            f"r_{item}": "satisfactory",
            "confirm_lock": "1",
        },
    )
    assert done.status_code == 302
    assert not ObservationAttachment.objects.exists()
    carried = EvidenceAttachment.objects.get()
    assert carried.file_name == attachment.file_name and carried.label
    with pytest.raises(AppendOnlyError):
        carried.save()
    with pytest.raises(AppendOnlyError):
        carried.delete()
    url = _url("assessments:evidence_attachment", carried.evidence_id, carried.pk)
    for role, allowed in (
        ("assessor", True),
        ("trainee", True),
        ("other_trainee", False),
        ("trainer", False),
    ):
        c, _user = client_as(role)
        status = c.get(url).status_code
        assert (status == 200) is allowed, (role, status)
    html = assessor_client.get(_url("assessments:trainee", trainee.pk)).content.decode()
    assert "1 個附件" in html
    # The evidence record itself shows the photo to whoever may open the record.
    evidence_page = assessor_client.get(_url("assessments:evidence", carried.evidence_id))
    shown = evidence_page.content.decode()
    assert 'data-testid="evidence-attachments"' in shown and url in shown


def test_files_are_checked_by_content_not_by_name(ws, draft, key, assessor_client):
    cases = [
        ("photo", "fake.jpg", b"not an image at all", "無法讀取這個檔案的照片內容"),
        ("photo", "big.jpg", b"\xff\xd8\xff" + b"0" * PHOTO_MAX_BYTES, "檔案太大"),
        ("audio", "song.mp3", b"MZ\x90\x00 an executable", "不是可接受的錄音"),
        ("audio", "long.wav", wav(121), "錄音長度超過 2 分鐘"),
        ("audio", "huge.ogg", b"OggS" + b"0" * AUDIO_MAX_BYTES, "檔案太大"),
        ("video", "x.jpg", gps_jpeg(), "請附加照片或錄音"),
    ]
    for kind, name, content, message in cases:
        response = _attach(assessor_client, draft, key, kind, name, content)
        assert response.status_code == 400, name
        assert message in response.json()["error"], (name, response.json())
    assert not ObservationAttachment.objects.exists()
    assert _attach(assessor_client, draft, key, "audio", "short.wav", wav(2)).status_code == 200
    # An item that is not on this observation's checklist is refused.
    refused = _attach(assessor_client, draft, "o999999", "photo", "a.jpg", gps_jpeg())
    assert refused.status_code == 400 and "不在本次觀察的檢核表上" in refused.json()["error"]


def test_without_javascript_attach_keeps_what_was_typed(ws, draft, key, assessor_client):
    response = assessor_client.post(
        _url("assessments:observation_attachment_new", draft.pk),
        {
            "attach": key,
            "place": "台北信義店",
            f"photo_{key}": SimpleUploadedFile("p.jpg", gps_jpeg()),
        },
    )
    assert response.status_code == 302 and response.url.endswith(f"#item-{key}")
    draft.refresh_from_db()
    assert draft.data["place"] == "台北信義店"
    assert ObservationAttachment.objects.filter(draft=draft, item_key=key).count() == 1


def test_another_assessor_cannot_attach_remove_or_download(ws, draft, key, assessor_client, client):
    from tests.factories.people import make_assessor

    _attach(assessor_client, draft, key, "photo", "p.jpg", gps_jpeg())
    attachment = ObservationAttachment.objects.get()
    client.force_login(make_assessor(name="別的評估員"))
    assert _attach(client, draft, key, "photo", "p.jpg", gps_jpeg()).status_code == 404
    assert (
        client.post(_url("assessments:observation_attachment_remove", attachment.pk)).status_code
        == 404
    )
    assert client.get(_url("assessments:observation_attachment", attachment.pk)).status_code == 404
    # Its own assessor removes it, file included.
    removed = assessor_client.post(
        _url("assessments:observation_attachment_remove", attachment.pk),
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert removed.json()["ok"] and not ObservationAttachment.objects.exists()


def test_discarding_a_draft_removes_its_files(
    ws, draft, key, assessor_client, django_capture_on_commit_callbacks
):
    _attach(assessor_client, draft, key, "photo", "p.jpg", gps_jpeg())
    name = ObservationAttachment.objects.get().file_name
    with django_capture_on_commit_callbacks(execute=True):
        assessor_client.post(_url("assessments:observation_discard", draft.pk), {"confirm": "1"})
    assert not storages["private"].exists(name)
