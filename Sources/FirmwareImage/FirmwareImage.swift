// FirmwareImage: see the issue that builds it.
