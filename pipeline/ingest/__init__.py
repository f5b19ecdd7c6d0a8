"""Stages one and two, load → validate: every input file read into typed accepted rows and
rejected-row records (SPEC §1–§2). The only stage that reads the month's files."""
