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
        default: return blockErase64K
        }
    }
}

/// Which busy time a simulation uses: typical (the default) or the datasheet maximum,
/// which is what a loader's timeouts must survive.
public enum FlashTimingProfile: Hashable, Sendable {
    case typical
    case maximum
}

/// Behaviour that is particular to a part and does not fit a table.
public struct FlashQuirks: Hashable, Sendable {
    /// BFPT DWORD1 bits 18:17 say "3-byte address only" although the part has EXTADD and
    /// dedicated 4-byte opcodes (Linux `is25lp256_post_bfpt_fixups`, reference §A.1).
    public var sfdpAdvertisesThreeByteAddressOnly: Bool
    /// Whether the volatile register writes C0h/63h (read register) and 83h (extended read
    /// register) need WEL. Sources disagree: SiFive's IS25LP boot code sends C0h without
    /// 06h and ufprog marks the ISSI read/extended/bank registers "no WREN"; the simplified
    /// Verilog model of the 512M checks WEL. Default false; 17h never needs it, C5h always.
    public var volatileRegisterWritesNeedWriteEnable: Bool

    public init(sfdpAdvertisesThreeByteAddressOnly: Bool, volatileRegisterWritesNeedWriteEnable: Bool = false) {
        self.sfdpAdvertisesThreeByteAddressOnly = sfdpAdvertisesThreeByteAddressOnly
        self.volatileRegisterWritesNeedWriteEnable = volatileRegisterWritesNeedWriteEnable
    }
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
    /// Power-on value of the extended read register (ODS = 111, 50 %: 0xE0, §A.4).
    public var defaultExtendedReadRegister: UInt8
    public private(set) var commands: [FlashCommand]
    private var table: [Int]

    public init(
        name: String, jedecID: [UInt8], productID: UInt8, size: Int, pageSize: Int,
        eraseSizes: [Int], blockProtectSizes: [Int], typicalTimings: FlashTimings,
        maximumTimings: FlashTimings, sfdp: [UInt8], quirks: FlashQuirks,
        defaultExtendedReadRegister: UInt8, commands: [FlashCommand]
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
        var table = [Int](repeating: -1, count: 256)
        for (index, command) in commands.enumerated() { table[Int(command.opcode)] = index }
        self.table = table
    }

    public func command(_ opcode: UInt8) -> FlashCommand? {
        let index = table[Int(opcode)]
        return index >= 0 ? commands[index] : nil
    }

    public func timings(_ profile: FlashTimingProfile) -> FlashTimings {
        profile == .typical ? typicalTimings : maximumTimings
    }

    /// Every part this module describes.
    public static let all: [FlashPart] = [.is25lp512m, .is25wp512m, .is25lp512mj, .is25wp512mj]

    /// The part whose RDID bytes are `id`, if known.
    public static func part(jedecID id: [UInt8]) -> FlashPart? {
        all.first { $0.jedecID == id }
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
