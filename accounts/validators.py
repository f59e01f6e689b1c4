"""Password rules beyond Django's own (等保 2.0 身份鉴别), wired in ``AUTH_PASSWORD_VALIDATORS``.

* ``CharacterClassValidator``: at least three of upper-case letters, lower-case letters,
  digits and symbols (anything else, including Chinese characters and spaces).
* ``PasswordHistoryValidator``: not the current password and not one of the ``history``
  passwords before it. The hashes come from ``PasswordHistory``, recorded whenever a
  password is set (Django calls ``password_changed`` from ``User.save``).
"""

import string

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

from .models import PasswordHistory

CLASSES = {
    "大写字母": set(string.ascii_uppercase),
    "小写字母": set(string.ascii_lowercase),
    "数字": set(string.digits),
}


def character_classes(password: str) -> int:
    """How many of upper, lower, digits and symbols ``password`` uses."""
    used = {name for name, members in CLASSES.items() if members.intersection(password)}
    symbols = any(not (char.isascii() and char.isalnum()) for char in password)
    return len(used) + symbols


class CharacterClassValidator:
    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if character_classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return f"密码须至少包含大写字母、小写字母、数字、符号四类中的 {self.min_classes} 类。"


class PasswordHistoryValidator:
    def __init__(self, history: int = 5):
        self.history = history

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        if any(check_password(password, encoded) for encoded in self._recent_hashes(user)):
            raise ValidationError(
                f"新密码不能与当前密码或最近 {self.history} 次使用过的密码相同。", code="password_reused"
            )

    def password_changed(self, password, user=None):
        if user is None or user.pk is None or not user.has_usable_password():
            return
        PasswordHistory.objects.create(user=user, password=user.password)
        stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[self.history + 1 :]
        if ids := list(stale):
            PasswordHistory.objects.filter(pk__in=ids).delete()

    def get_help_text(self):
        return f"新密码不能与当前密码或最近 {self.history} 次使用过的密码相同。"

    def _recent_hashes(self, user) -> list[str]:
        """The current hash and the ``history`` before it, newest first, each once."""
        hashes = [user.password] if user.has_usable_password() else []
        for encoded in PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[: self.history + 1]:
            if encoded not in hashes:
                hashes.append(encoded)
        return hashes[: self.history + 1]
