"""Where uploaded files live: the filesystem by default, S3-compatible object storage with
DJANGO_STORAGE=s3 (django-storages, boto3; AWS S3, MinIO, Cloudflare R2 ...).

Two stores, two buckets:
- "default" (media: Wagtail images and documents' files) in AWS_STORAGE_BUCKET_NAME. Its URLs
  are signed and short-lived (AWS_QUERYSTRING_EXPIRE, default one hour), objects private, so
  the bucket needs no public policy (R2 and many MinIO set-ups have no object ACLs at all).
- "private" (evidence, observation attachments, certificate PDFs) in AWS_PRIVATE_BUCKET_NAME:
  objects private and no URL at all (querystring auth is irrelevant: the app never asks this
  store for a URL). They are read with storage.open() and streamed by the permission-checked
  views, exactly as from the filesystem.
"""

import os
from pathlib import Path


def _s3_options(bucket: str, **extra) -> dict:
    options = {
        "bucket_name": bucket,
        "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
        "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
        "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or None,
        "signature_version": "s3v4",
        "default_acl": None,  # bucket default (private); R2 rejects ACL headers
        "object_parameters": {"CacheControl": "private, max-age=0"},
        "file_overwrite": False,  # a new name rather than replacing an object
        "querystring_auth": True,
        "querystring_expire": int(os.environ.get("AWS_QUERYSTRING_EXPIRE", "3600")),
    }
    options.update(extra)
    return {
        key: value for key, value in options.items() if value is not None or key == "default_acl"
    }


def s3_storages(*, media_bucket: str, private_bucket: str) -> dict:
    """The two S3 stores (settings.STORAGES entries), read from the AWS_* environment."""
    if not media_bucket or not private_bucket:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "DJANGO_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME and AWS_PRIVATE_BUCKET_NAME "
            "(two different buckets)."
        )
    if media_bucket == private_bucket:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("AWS_PRIVATE_BUCKET_NAME must differ from the media bucket.")
    return {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": _s3_options(media_bucket, location="media"),
        },
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            # Short expiry in case anything ever asks: nothing in the app does.
            "OPTIONS": _s3_options(private_bucket, location="private", querystring_expire=60),
        },
    }


def storages_from_env(*, private_media_root: Path) -> dict:
    """settings.STORAGES: the filesystem unless DJANGO_STORAGE=s3."""
    static = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    if os.environ.get("DJANGO_STORAGE", "filesystem").strip().lower() == "s3":
        return {
            **s3_storages(
                media_bucket=os.environ.get("AWS_STORAGE_BUCKET_NAME", ""),
                private_bucket=os.environ.get("AWS_PRIVATE_BUCKET_NAME", ""),
            ),
            "staticfiles": static,
        }
    return {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": private_media_root, "base_url": None},
        },
        "staticfiles": static,
    }
