"""Suite-wide test setup."""

import pytest
from django.conf import settings


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """Hash test passwords with MD5: PBKDF2's deliberate slowness would dominate the suite.

    Only the test process changes; the production hashers are untouched.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.contrib.auth.hashers import get_hashers

    get_hashers.cache_clear()


@pytest.fixture(autouse=True)
def empty_figures_cache():
    """Start every test with an empty cache, so query counts do not depend on test order.

    (A cached entry is never wrong — its key names the data version — but a hit changes how
    many queries a view makes.)
    """
    from django.core.cache import cache

    cache.clear()
