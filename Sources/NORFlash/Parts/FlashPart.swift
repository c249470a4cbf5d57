import VirtualTime

/// Busy times of the self-timed operations (reference §A.6).
public struct FlashTimings: Hashable, Sendable {
    public var pageProgram: DeviceTime
    public var sectorErase4K: DeviceTime
    public var blockErase32K: DeviceTime
    public var blockErase64K: DeviceTime
    public var chipErase: DeviceTime
    /// Non-volatile register writes (01h, 42h, 65h, 85h, 18h).
    public var registerWrite: DeviceTime

    public init(
        pageProgram: DeviceTime, sectorErase4K: DeviceTime, blockErase32K: DeviceTime,
        blockErase64K: DeviceTime, chipErase: DeviceTime, registerWrite: DeviceTime
    ) {
        self.pageProgram = pageProgram
        self.sectorErase4K = sectorErase4K
        self.blockErase32K = blockErase32K
        self.blockErase64K = blockErase64K
        self.chipErase = chipErase
        self.registerWrite = registerWrite
    }

    /// The erase time for a unit of `bytes`; units the table doesn't name take the 64 KiB time.
    public func erase(bytes: Int) -> DeviceTime {
        switch bytes {
        case 4096: return sectorErase4K
        case 32768: return blockErase32K
        case ...65536: return blockErase64K
        default: return chipErase
        }
    }
}

/// Which busy time a simulation uses: typical (the default) or the datasheet maximum,
/// which is what a loader's timeouts must survive.
public enum FlashTimingProfile: Hashable, Sendable {
    case typical
    case maximum
}

/// A SPI NOR part as data: identity, geometry, instruction table, timings, SFDP.
public struct FlashPart: Sendable {
    public var name: String
    /// RDID (9Fh / AFh) bytes: manufacturer, memory type, capacity.
    public var jedecID: [UInt8]
    /// The device ID that ABh and 90h return.
    public var productID: UInt8
    public var size: Int
    public var pageSize: Int
    public var eraseSizes: [Int]
    /// Bytes protected for each BP3..BP0 value (16 entries), counted from the top of the
    /// array (TBS = 0) or from the bottom (TBS = 1).
    public var blockProtectSizes: [Int]
    public var typicalTimings: FlashTimings
    public var maximumTimings: FlashTimings
    /// The JESD216 table RDSFDP (5Ah) reads, from address 0.
    public var sfdp: [UInt8]
    public var quirks: FlashQuirks
    /// Registers, QE, addressing, dummy and error-report behaviour as named fields.
    public var traits: FlashPartTraits
    /// Power-on value of the extended read register (ODS = 111, 50 %: 0xE0, §A.4).
    public var defaultExtendedReadRegister: UInt8
    /// The factory state of the non-volatile registers (QE preset on some parts).
    public var factoryRegisters: FlashRegisters
    public private(set) var commands: [FlashCommand]
    /// The 8-8-8 instruction table of an octal part (2-byte opcode: code, then its inverse).
    public private(set) var octalCommands: [FlashCommand]
    private var table: [Int]
    private var octalTable: [Int]

    public init(
        name: String, jedecID: [UInt8], productID: UInt8, size: Int, pageSize: Int,
        eraseSizes: [Int], blockProtectSizes: [Int], typicalTimings: FlashTimings,
        maximumTimings: FlashTimings, sfdp: [UInt8], quirks: FlashQuirks,
        defaultExtendedReadRegister: UInt8, commands: [FlashCommand],
        traits: FlashPartTraits = .issi, factoryRegisters: FlashRegisters = FlashRegisters(),
        octalCommands: [FlashCommand] = []
    ) {
        self.name = name
        self.jedecID = jedecID
        self.productID = productID
        self.size = size
        self.pageSize = pageSize
        self.eraseSizes = eraseSizes
        self.blockProtectSizes = blockProtectSizes
        self.typicalTimings = typicalTimings
        self.maximumTimings = maximumTimings
        self.sfdp = sfdp
        self.quirks = quirks
        self.defaultExtendedReadRegister = defaultExtendedReadRegister
        self.commands = commands
        self.traits = traits
        self.factoryRegisters = factoryRegisters
        self.octalCommands = octalCommands
        self.table = Self.index(commands)
        self.octalTable = Self.index(octalCommands)
    }

    private static func index(_ commands: [FlashCommand]) -> [Int] {
        var table = [Int](repeating: -1, count: 256)
        for (index, command) in commands.enumerated() { table[Int(command.opcode)] = index }
        return table
    }

    public func command(_ opcode: UInt8) -> FlashCommand? {
        let index = table[Int(opcode)]
        return index >= 0 ? commands[index] : nil
    }

    /// The 8-8-8 command whose first opcode byte is `opcode` (octal parts in OPI mode).
    public func octalCommand(_ opcode: UInt8) -> FlashCommand? {
        let index = octalTable[Int(opcode)]
        return index >= 0 ? octalCommands[index] : nil
    }

    /// "IS25LP512M (9D 60 1A, 64 MiB)" for lists.
    public var summary: String {
        let mib = size >> 20
        return "\(name) (\(jedecID.map(hex2).joined(separator: " ")), \(mib > 0 ? "\(mib) MiB" : "\(size >> 10) KiB"))"
    }

    public func timings(_ profile: FlashTimingProfile) -> FlashTimings {
        profile == .typical ? typicalTimings : maximumTimings
    }

    /// Every part this module describes; the first of two with one ID is the one
    /// `part(jedecID:)` answers (MT25QL512ABB before the stacked N25Q512A).
    public static let all: [FlashPart] = [.is25lp512m, .is25wp512m, .is25lp512mj, .is25wp512mj] + catalog

    /// The part whose RDID bytes are `id`, if known.
    public static func part(jedecID id: [UInt8]) -> FlashPart? {
        all.first { $0.jedecID == id }
    }

    /// Every part whose RDID bytes are `id` (a monolithic and a stacked part can share one).
    public static func parts(jedecID id: [UInt8]) -> [FlashPart] {
        all.filter { $0.jedecID == id }
    }

    /// The part named `name` (case-insensitive), e.g. "IS25LP512M" from a board file.
    public static func part(named name: String) -> FlashPart? {
        all.first { $0.name.lowercased() == name.lowercased() }
    }
}

extension FlashPart: CustomStringConvertible {
    /// "IS25LP512M (9D 60 1A)".
    public var description: String { "\(name) (\(jedecID.map(hex2).joined(separator: " ")))" }
}
