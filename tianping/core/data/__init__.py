"""Package data: the GB/T 2260 region table. National targets live in the indicator catalogue."""
