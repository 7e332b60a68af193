"""The error every configuration check raises, and its "did you mean" hint."""
from __future__ import annotations

import difflib
from collections.abc import Iterable


class ConfigError(ValueError):
    """A configuration file the run cannot use; the message is one line naming the
    file and what is wrong, e.g. ``settings.toml: [heat] volume_ful — did you mean volume_full?``."""


def did_you_mean(key: str, valid: Iterable[str]) -> str:
    """``"volume_ful — did you mean volume_full?"``, or the valid keys when none is close."""
    choices = sorted(valid)
    close = difflib.get_close_matches(key, choices, n=1, cutoff=0.6)
    if close:
        return f"{key} — did you mean {close[0]}?"
    return f"{key} — not one of {', '.join(choices)}" if choices else f"{key} — no key is expected here"
