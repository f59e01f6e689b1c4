"""Cache of computed figures, keyed on the counted data's version token.

Figures depend only on committed data and the parameters (dates, scope); the token
(``units.versioning``) names the committed state exactly, so a cached entry is
right for as long as its token is current, and every write makes a new token. Reading the
token costs one indexed query; a hit saves every counting query. Entries also expire after
``FIGURES_CACHE_SECONDS`` as a bound on memory, not on correctness.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

from units.versioning import data_version


def cached(namespace: str, key: tuple, compute):
    """``compute()``, remembered under (namespace, key, current data version)."""
    version = data_version()
    if version is None:  # the row is missing (a flushed test database): never cache
        return compute()
    digest = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    cache_key = f"figures:{namespace}:{version}:{digest}"
    value = cache.get(cache_key)
    if value is None:
        value = compute()
        cache.set(cache_key, value, settings.FIGURES_CACHE_SECONDS)
    return value
