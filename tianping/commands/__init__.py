"""Sub-commands of `tianping`, one module each; registered in tianping/cli.py."""
