import ELF

/// A `PT_LOAD` segment of the loader as the host sees it.
public struct LoadSegment: Equatable, Sendable {
    public var index: Int
    public var virtualAddress: UInt32
    public var physicalAddress: UInt32
    public var fileOffset: UInt32
    public var fileSize: UInt32
    public var memorySize: UInt32
    public var flags: UInt32
    /// The file bytes (`p_filesz` of them): what the host writes to RAM.
    public var bytes: [UInt8]
    /// The segment that holds only `StorageInfo`. The host reads it from the file and does not
    /// download it (cubeprogrammer-loader.md §1.4); with IAR it even sits at address 0.
    public var isStorageInfoSegment: Bool

    public var isExecutable: Bool { flags & ProgramHeader.flagExecute != 0 }
    /// Whether the host writes this segment to target RAM.
    public var isDownloaded: Bool { !isStorageInfoSegment && fileSize > 0 }
    public var memoryRange: Range<UInt64> { UInt64(virtualAddress)..<(UInt64(virtualAddress) + UInt64(memorySize)) }
    public var flagsDescription: String {
        ProgramHeader(
            index: index, type: ProgramHeader.typeLoad, offset: fileOffset, virtualAddress: virtualAddress,
            physicalAddress: physicalAddress, fileSize: fileSize, memorySize: memorySize, flags: flags, alignment: 0
        ).flagsDescription
    }
}
