"""Media and private files on S3-compatible storage (django-storages), against moto's S3
server started here on 127.0.0.1: private objects have no public URL and reach people only
through the permission-checked views; media URLs are signed and short-lived."""

import hashlib
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.urls import reverse

from assessments.models.certificates import Certificate
from assessments.models.evidence import EvidenceRecord
from assessments.services import certificates as certificate_services
from config.settings.storage import s3_storages
from tests.factories.certificates import make_decision, make_unit
from tests.factories.workspace import PDF, upload, workspace_build

MEDIA_BUCKET = "la-media-test"
PRIVATE_BUCKET = "la-private-test"
KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
ROLES = ("anonymous", "trainee", "other_trainee", "trainer", "assessor", "admin")


def _free_port() -> int:
    from bench.loadtest.run import free_port

    return free_port()


def _moto_server_command() -> list[str] | None:
    local = Path(sys.executable).parent / "moto_server"
    if local.exists():
        return [str(local)]
    found = shutil.which("moto_server")
    return [found] if found else None


@pytest.fixture(scope="session")
def moto_s3(tmp_path_factory):
    """moto's S3 in server mode on a free loopback port, with the two buckets."""
    command = _moto_server_command()
    if command is None:
        pytest.fail("moto_server is missing: `make setup-test` installs moto[server] (dev extra)")
    port = _free_port()
    endpoint = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [*command, "-H", "127.0.0.1", "-p", str(port)], stdout=out, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(f"moto_server exited {process.returncode}: {log.read_text()}")
            try:
                urllib.request.urlopen(endpoint + "/moto-api/", timeout=2)  # noqa: S310
                break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"moto_server did not answer at {endpoint}")
                time.sleep(0.1)
        client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **KEYS)
        client.create_bucket(Bucket=MEDIA_BUCKET)
        client.create_bucket(Bucket=PRIVATE_BUCKET)
        yield endpoint, client
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _empty(client, bucket):
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=bucket, Key=item["Key"])


@pytest.fixture
def s3(moto_s3, settings, monkeypatch):
    """settings.STORAGES pointed at the moto server, as DJANGO_STORAGE=s3 builds them."""
    endpoint, client = moto_s3
    _empty(client, MEDIA_BUCKET)
    _empty(client, PRIVATE_BUCKET)
    for name, value in {
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_S3_ADDRESSING_STYLE": "path",
    }.items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {
        **settings.STORAGES,
        **s3_storages(media_bucket=MEDIA_BUCKET, private_bucket=PRIVATE_BUCKET),
    }
    # A FileField resolves a callable storage once, when the model class is built (at
    # start-up in a server): point the certificate's field at the store of these settings.
    monkeypatch.setattr(Certificate._meta.get_field("pdf"), "storage", storages["private"])
    assert type(storages["private"]).__name__ == "S3Storage"
    return endpoint, client


def _keys(client, bucket) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", [])]


def _anonymous_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.django_db
def test_config_reads_environment(monkeypatch, tmp_path):
    from config.settings.storage import storages_from_env

    monkeypatch.delenv("DJANGO_STORAGE", raising=False)
    local = storages_from_env(private_media_root=tmp_path)
    assert local["private"]["BACKEND"].endswith("FileSystemStorage")
    monkeypatch.setenv("DJANGO_STORAGE", "s3")
    monkeypatch.setenv("AWS_STORAGE_BUCKET_NAME", "media-b")
    monkeypatch.setenv("AWS_PRIVATE_BUCKET_NAME", "private-b")
    monkeypatch.setenv("AWS_S3_ENDPOINT_URL", "https://acct.r2.cloudflarestorage.com")
    remote = storages_from_env(private_media_root=tmp_path)
    assert remote["default"]["OPTIONS"]["bucket_name"] == "media-b"
    assert remote["private"]["OPTIONS"]["bucket_name"] == "private-b"
    assert remote["private"]["OPTIONS"]["endpoint_url"].startswith("https://acct.r2")
    assert remote["private"]["OPTIONS"]["default_acl"] is None
    monkeypatch.setenv("AWS_PRIVATE_BUCKET_NAME", "media-b")
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        storages_from_env(private_media_root=tmp_path)


@pytest.mark.django_db
def test_certificate_pdf_lives_privately_in_bucket(s3, client_as, trainee, assessor):
    endpoint, client = s3
    decision = make_decision(trainee=trainee, assessor=assessor, unit=make_unit())
    certificate = certificate_services.certificate_issue(decision=decision, issued_by=assessor)

    key = f"private/{certificate.pdf.name}"
    assert key in _keys(client, PRIVATE_BUCKET)
    assert _keys(client, MEDIA_BUCKET) == []
    stored = client.get_object(Bucket=PRIVATE_BUCKET, Key=key)["Body"].read()
    assert hashlib.sha256(stored).hexdigest() == certificate.pdf_sha256
    assert stored.startswith(b"%PDF")

    # No public URL: the object itself refuses anyone without credentials.
    assert _anonymous_status(f"{endpoint}/{PRIVATE_BUCKET}/{key}") == 403

    url = reverse("assessments:certificate_download", args=[certificate.pk])
    expected = {
        "anonymous": 302,
        "trainee": 200,
        "other_trainee": 404,
        "trainer": 404,
        "assessor": 200,
        "admin": 200,
    }
    for role in ROLES:
        http, _user = client_as(role)
        response = http.get(url)
        assert response.status_code == expected[role], role
        if response.status_code == 200:
            assert b"".join(response.streaming_content) == stored, role
            assert response["Content-Type"] == "application/pdf"
        else:
            assert b"%PDF" not in response.content


@pytest.mark.django_db
def test_missing_object_is_404_not_500(s3, client_as, trainee, assessor):
    _endpoint, client = s3
    decision = make_decision(trainee=trainee, assessor=assessor, unit=make_unit())
    certificate = certificate_services.certificate_issue(decision=decision, issued_by=assessor)
    client.delete_object(Bucket=PRIVATE_BUCKET, Key=f"private/{certificate.pdf.name}")
    http, _user = client_as("trainee")
    response = http.get(reverse("assessments:certificate_download", args=[certificate.pk]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_evidence_upload_lives_privately_in_bucket(s3, client_as, trainee, other_trainee, assessor):
    endpoint, client = s3
    workspace_build(assessor=assessor, trainees=[trainee, other_trainee])
    http, _user = client_as("trainee")
    response = http.post(
        reverse("assessments:my_upload"), {"file": upload("report.pdf", PDF), "summary": "月報"}
    )
    assert response.status_code == 302
    record = EvidenceRecord.objects.latest("pk")
    key = f"private/{record.file_name}"
    assert key in _keys(client, PRIVATE_BUCKET)
    stored = client.get_object(Bucket=PRIVATE_BUCKET, Key=key)["Body"].read()
    assert stored == PDF and hashlib.sha256(stored).hexdigest() == record.file_sha256
    assert _anonymous_status(f"{endpoint}/{PRIVATE_BUCKET}/{key}") == 403

    url = reverse("assessments:evidence_file", args=[record.pk])
    expected = {
        "anonymous": 302,
        "trainee": 200,
        "other_trainee": 404,
        "trainer": 404,
        "assessor": 200,
        "admin": 200,
    }
    for role in ROLES:
        http, _user = client_as(role)
        response = http.get(url)
        assert response.status_code == expected[role], role
        if response.status_code == 200:
            assert b"".join(response.streaming_content) == PDF, role


@pytest.mark.django_db
def test_media_upload_gets_a_signed_url(s3):
    endpoint, client = s3
    media = storages["default"]
    name = media.save("images/logo.txt", ContentFile(b"logo bytes"))
    assert f"media/{name}" in _keys(client, MEDIA_BUCKET)
    assert _keys(client, PRIVATE_BUCKET) == []
    url = media.url(name)
    assert url.startswith(f"{endpoint}/{MEDIA_BUCKET}/media/") and "Signature" in url
    assert _anonymous_status(url) == 200
    assert _anonymous_status(url.split("?", 1)[0]) == 403
    assert media.open(name).read() == b"logo bytes"


@pytest.mark.django_db
def test_signed_media_url_is_short_lived(s3, settings):
    """moto's server does not check signatures or their expiry (no auth by default), so the
    lifetime is checked in the URL itself: what S3, MinIO and R2 enforce."""
    from urllib.parse import parse_qs, urlsplit

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **settings.STORAGES["default"],
            "OPTIONS": {**settings.STORAGES["default"]["OPTIONS"], "querystring_expire": 120},
        },
    }
    media = storages["default"]
    name = media.save("images/short.txt", ContentFile(b"short"))
    query = parse_qs(urlsplit(media.url(name)).query)
    assert query["X-Amz-Expires"] == ["120"]
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
