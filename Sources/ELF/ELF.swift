// ELF: see the issue that builds it.
