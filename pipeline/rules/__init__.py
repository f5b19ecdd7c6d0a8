"""Stages three to five, line rules → client-day rules → reconcile: the rules table and the
pure functions that apply it (SPEC §3–§4). No file is touched here."""
