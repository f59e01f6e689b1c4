"""Making, finding and revoking kiosk links (``ScreenLink``).

A link's token is ``secrets.token_urlsafe(32)`` (256 random bits); the database keeps only its
SHA-256. A presented token is hashed and looked up by that hash, so the comparison never runs
over the secret itself and takes the same time whatever the token (``hmac.compare_digest``
checks the row found, for good measure).
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from .models import NAME_MAX_LENGTH, ScreenLink

TOKEN_BYTES = 32


class LinkError(ValueError):
    """A link cannot be made or revoked; the message is for the person who asked."""


@dataclass(frozen=True)
class NewLink:
    """A link just made, with the one copy of its token there will ever be."""

    link: ScreenLink
    token: str

    @property
    def path(self) -> str:
        return reverse("screen:kiosk", kwargs={"token": self.token})


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise LinkError("请填写名称，例如“一楼大厅”。")
    if len(name) > NAME_MAX_LENGTH:
        raise LinkError(f"名称最长 {NAME_MAX_LENGTH} 个字。")
    return name


def create(name: str, *, user=None) -> NewLink:
    """A new link named ``name`` (unique, revoked links included: they stay on record)."""
    name = clean_name(name)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    try:
        with transaction.atomic():
            link = ScreenLink.objects.create(name=name, token_hash=token_hash(token), created_by=user)
    except IntegrityError:
        raise LinkError(f"名称“{name}”已被使用（已撤销的链接也保留记录），请换一个名称。") from None
    return NewLink(link=link, token=token)


def find_active(token: str) -> ScreenLink | None:
    """The unrevoked link of ``token``, its visit noted; None for a wrong or revoked token."""
    digest = token_hash(token)
    link = ScreenLink.objects.filter(token_hash=digest, revoked_at__isnull=True).first()
    if link is None or not hmac.compare_digest(link.token_hash, digest):
        return None
    now = timezone.now()
    ScreenLink.objects.filter(pk=link.pk).update(last_used_at=now)
    link.last_used_at = now
    return link


def revoke(link: ScreenLink) -> ScreenLink:
    """Revoke ``link`` from now on (kept on record); refused when already revoked."""
    if link.revoked_at is not None:
        raise LinkError(f"链接“{link.name}”已于 {timezone.localtime(link.revoked_at):%Y-%m-%d %H:%M} 撤销。")
    link.revoked_at = timezone.now()
    link.save(update_fields=["revoked_at"])
    return link


def revoke_named(name: str) -> ScreenLink:
    link = ScreenLink.objects.filter(name=clean_name(name)).first()
    if link is None:
        raise LinkError(f"没有名为“{name}”的大屏链接。")
    return revoke(link)
