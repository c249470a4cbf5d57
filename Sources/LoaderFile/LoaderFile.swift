// LoaderFile: see the issue that builds it.
