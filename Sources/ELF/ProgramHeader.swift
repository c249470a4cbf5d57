/// One ELF32 program header (segment): what a loader host downloads.
public struct ProgramHeader: Equatable, Sendable {
    /// Position in the program header table, as `readelf -l` counts.
    public var index: Int
    public var type: UInt32
    public var offset: UInt32
    public var virtualAddress: UInt32
    /// The load memory address; objcopy places `-O ihex/binary` output here.
    public var physicalAddress: UInt32
    public var fileSize: UInt32
    public var memorySize: UInt32
    public var flags: UInt32
    public var alignment: UInt32

    public init(
        index: Int, type: UInt32, offset: UInt32, virtualAddress: UInt32, physicalAddress: UInt32,
        fileSize: UInt32, memorySize: UInt32, flags: UInt32, alignment: UInt32
    ) {
        self.index = index
        self.type = type
        self.offset = offset
        self.virtualAddress = virtualAddress
        self.physicalAddress = physicalAddress
        self.fileSize = fileSize
        self.memorySize = memorySize
        self.flags = flags
        self.alignment = alignment
    }

    public static let size = 32

    public static let typeNull: UInt32 = 0
    public static let typeLoad: UInt32 = 1

    public static let flagExecute: UInt32 = 0x1
    public static let flagWrite: UInt32 = 0x2
    public static let flagRead: UInt32 = 0x4
    /// AAELF32: PF_ARM_SB, the segment is addressed through the static base (RWPI, R9).
    public static let flagARMStaticBase: UInt32 = 0x1000_0000
    /// AAELF32: PF_ARM_PI, the segment is position-independent (ROPI).
    public static let flagARMPositionIndependent: UInt32 = 0x2000_0000

    public var isLoad: Bool { type == Self.typeLoad }
    public var isExecutable: Bool { flags & Self.flagExecute != 0 }

    /// The virtual address range the segment occupies in memory (memsz), as 64-bit bounds so
    /// that a segment ending at 4 GiB does not overflow.
    public var memoryRange: Range<UInt64> {
        UInt64(virtualAddress)..<(UInt64(virtualAddress) + UInt64(memorySize))
    }

    /// `R W E` plus the ARM-specific bits, as `readelf -l` prints them.
    public var flagsDescription: String {
        var text = (flags & Self.flagRead != 0 ? "R" : " ") + (flags & Self.flagWrite != 0 ? "W" : " ")
            + (flags & Self.flagExecute != 0 ? "E" : " ")
        if flags & Self.flagARMStaticBase != 0 { text += " SB" }
        if flags & Self.flagARMPositionIndependent != 0 { text += " PI" }
        return text
    }
}
