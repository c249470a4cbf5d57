/// The fields of the 52-byte ELF32 file header (System V ABI, "ELF Header") that a loader
/// checker needs. Identification bytes are validated while reading and not kept.
public struct ELFHeader: Equatable, Sendable {
    public static let size = 52

    public var type: UInt16
    public var machine: UInt16
    public var version: UInt32
    public var entry: UInt32
    public var programHeaderOffset: UInt32
    public var sectionHeaderOffset: UInt32
    public var flags: UInt32
    public var headerSize: UInt16
    public var programHeaderEntrySize: UInt16
    public var programHeaderCount: UInt16
    public var sectionHeaderEntrySize: UInt16
    public var sectionHeaderCount: UInt16
    public var sectionNameTableIndex: UInt16

    public static let typeExecutable: UInt16 = 2   // ET_EXEC
    public static let typeRelocatable: UInt16 = 1  // ET_REL
    public static let machineARM: UInt16 = 40      // EM_ARM

    /// ELF for the Arm Architecture (AAELF32) §5.2: EF_ARM_ABI_FLOAT_HARD, set by `-mfloat-abi=hard`.
    public static let flagARMHardFloat: UInt32 = 0x0000_0400
    /// EF_ARM_ABI_FLOAT_SOFT.
    public static let flagARMSoftFloat: UInt32 = 0x0000_0200
    /// EF_ARM_EABIMASK: bits 31..24 hold the EABI version (5 for current toolchains).
    public static let flagARMEABIMask: UInt32 = 0xFF00_0000

    public var isHardFloat: Bool { flags & Self.flagARMHardFloat != 0 }
    public var eabiVersion: UInt32 { (flags & Self.flagARMEABIMask) >> 24 }
}
