"""Telling Dutch from English by their most common words."""

from __future__ import annotations

import re
from typing import Optional

from .vocabulary import vocabulary

__all__ = ["detect_language"]

_WORD = re.compile(r"[a-zà-ÿ]+")
SAMPLE_CHARS = 200_000


def detect_language(text: str) -> Optional[str]:
    """'nl' or 'en' by counting function words; None when neither shows."""
    counts = {lang: 0 for lang in vocabulary().language_words}
    for word in _WORD.findall(text[:SAMPLE_CHARS].lower()):
        for lang, words in vocabulary().language_words.items():
            if word in words:
                counts[lang] += 1
    best = max(sorted(counts), key=lambda lang: counts[lang])
    return best if counts[best] >= 3 else None
