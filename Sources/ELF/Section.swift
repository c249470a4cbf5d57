/// One ELF32 section header, with its name resolved through `.shstrtab`.
public struct Section: Equatable, Sendable {
    public var index: Int
    public var name: String
    public var type: UInt32
    public var flags: UInt32
    public var address: UInt32
    public var offset: UInt32
    public var size: UInt32
    public var link: UInt32
    public var info: UInt32
    public var alignment: UInt32
    public var entrySize: UInt32

    public static let size = 40

    public static let typeNull: UInt32 = 0
    public static let typeProgramBits: UInt32 = 1
    public static let typeSymbolTable: UInt32 = 2
    public static let typeStringTable: UInt32 = 3
    public static let typeNoBits: UInt32 = 8

    public static let flagWrite: UInt32 = 0x1
    public static let flagAlloc: UInt32 = 0x2
    public static let flagExecute: UInt32 = 0x4

    /// Whether the section occupies bytes in the file (`SHT_NOBITS` and `SHT_NULL` do not).
    public var hasFileBytes: Bool { type != Self.typeNoBits && type != Self.typeNull }

    /// `.text`, or `section 3` when the file has no section name table.
    public var displayName: String { name.isEmpty ? "section \(index)" : name }
}
