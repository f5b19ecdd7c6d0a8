"""How a header or a code is written down before it is compared (SPEC §1 Headers, activity).

Header names and activity codes match case-insensitively after trimming, with runs of spaces
and hyphens read as "_". The loader, the validator and the config's checks all use this one rule.
"""

import pandas as pd

_SEPARATORS = r"[\s-]+"
_UNDERSCORE = "_"


def code_name(raw: pd.Series) -> pd.Series:
    """Lowercase, trimmed, runs of spaces and hyphens as "_" ("Face-to-Face" -> face_to_face)."""
    return raw.str.strip().str.lower().str.replace(_SEPARATORS, _UNDERSCORE, regex=True)
