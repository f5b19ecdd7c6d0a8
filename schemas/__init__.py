"""The data contract (SPEC §1): column names, value domains and the pandera models of each input."""
