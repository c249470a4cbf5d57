// Programmer: see the issue that builds it.
