"""Package data: national outline targets (see national_outline_targets.csv)."""
