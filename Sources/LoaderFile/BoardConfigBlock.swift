import ELF

/// The BoardConfig block the LoaderLab loader exports as the OBJECT symbol `BoardConfig`
/// (section `.board_config`, inside the downloaded segment). `Init` reads the MCU, wiring and
/// clock from it at run time, so a loader for another board is this block patched. Layout
/// (Firmware/README.md "BoardConfig block"), little-endian:
///
/// ```
/// 0x00 magic "LLBC" (0x4342_4C4C)   0x04 version u16 (1 or 2)   0x06 length u16 (48 or 80)
/// 0x08 SYSCLK Hz u32                0x0C OCTOSPI divider u16
/// 0x0E OCTOSPI instance u8          0x0F OCTOSPIM port u8
/// 0x10 NCS  0x14 CLK  0x18 IO0  0x1C IO1  0x20 IO2  0x24 IO3   (pin entries, 4 bytes each)
/// v1: 0x28 reserved u32 = 0         0x2C CRC-32 (zlib) of bytes 0x00-0x2B
/// v2: 0x28 flags u32 (b0 no OCTOSPIM, b1 octal)
///     0x2C IO4  0x30 IO5  0x34 IO6  0x38 IO7  0x3C DQS          (zero unless octal)
///     0x40 RAM base u32  0x44 RAM size u32  0x48 reserved u32 = 0  0x4C CRC-32 of 0x00-0x4B
/// ```
public struct BoardConfigBlock: Equatable, Sendable {
    /// The v1 block's size; `sizeV2` for v2. `size(version:)` for either.
    public static let size = 48
    public static let sizeV2 = 80
    public static let magic: UInt32 = 0x4342_4C4C
    public static let currentVersion: UInt16 = 2
    /// Where a v1 block stores its CRC; it covers every byte before it (v2: 0x4C).
    public static let crcOffset = 0x2C

    public static func size(version: UInt16) -> Int { version == 1 ? size : sizeV2 }

    /// flags b0: the MCU has no OCTOSPIM (STM32U535/U545); OCTOSPI1 drives its own pins.
    public static let flagNoOCTOSPIM: UInt32 = 1 << 0
    /// flags b1: an octal flash (IO4-IO7 and DQS entries are used).
    public static let flagOctal: UInt32 = 1 << 1

    /// One pin entry: GPIO port index (0 = A … 9 = J), pin 0-15, alternate function 0-15 and
    /// the flags byte (bit 0 = pull-up; bits 7:1 must be zero).
    public struct PinEntry: Equatable, Sendable, CustomStringConvertible {
        public var gpioPort: UInt8
        public var pin: UInt8
        public var alternateFunction: UInt8
        public var flags: UInt8

        public init(gpioPort: UInt8, pin: UInt8, alternateFunction: UInt8, pullUp: Bool) {
            self.gpioPort = gpioPort
            self.pin = pin
            self.alternateFunction = alternateFunction
            self.flags = pullUp ? 1 : 0
        }

        init(raw b: ArraySlice<UInt8>) {
            let s = b.startIndex
            gpioPort = b[s]
            pin = b[s + 1]
            alternateFunction = b[s + 2]
            flags = b[s + 3]
        }

        static let unused = PinEntry(gpioPort: 0, pin: 0, alternateFunction: 0, pullUp: false)

        public var pullUp: Bool { flags & 1 != 0 }
        public var bytes: [UInt8] { [gpioPort, pin, alternateFunction, flags] }

        /// `PE11 AF10 pull-up`; a port index beyond J prints as a number.
        public var description: String {
            let port = gpioPort <= 9 ? String(Character(UnicodeScalar(65 + gpioPort))) : "?\(gpioPort)"
            return "P\(port)\(pin) AF\(alternateFunction)" + (pullUp ? " pull-up" : "")
        }
    }

    /// The signal order of the six pin entries in the block.
    public static let signalNames = ["NCS", "CLK", "IO0", "IO1", "IO2", "IO3"]
    /// The signal order of v2's five octal entries.
    public static let upperSignalNames = ["IO4", "IO5", "IO6", "IO7", "DQS"]

    public var version: UInt16
    public var length: UInt16
    public var sysclkHz: UInt32
    public var octospiDivider: UInt16
    public var instance: UInt8
    public var port: UInt8
    /// NCS, CLK, IO0, IO1, IO2, IO3 (`signalNames` order); always six entries.
    public var pins: [PinEntry]
    /// v1: the word at 0x28 (must be 0). v2: the word at 0x48.
    public var reserved: UInt32
    /// v2 only (0 in v1): `flagNoOCTOSPIM`, `flagOctal`.
    public var flags: UInt32
    /// v2 only: IO4, IO5, IO6, IO7, DQS (`upperSignalNames` order); always five entries.
    public var upperPins: [PinEntry]
    /// v2 only: the programmer's contiguous RAM of the MCU.
    public var ramBase: UInt32
    public var ramSize: UInt32

    public init(sysclkHz: UInt32, octospiDivider: UInt16, instance: UInt8, port: UInt8, pins: [PinEntry],
                version: UInt16 = currentVersion, flags: UInt32 = 0, upperPins: [PinEntry] = [],
                ramBase: UInt32 = 0, ramSize: UInt32 = 0) {
        self.version = version
        length = UInt16(Self.size(version: version))
        self.sysclkHz = sysclkHz
        self.octospiDivider = octospiDivider
        self.instance = instance
        self.port = port
        self.pins = Array(pins.prefix(6)) + Array(repeating: .unused, count: max(0, 6 - pins.count))
        reserved = 0
        self.flags = version == 1 ? 0 : flags
        self.upperPins = version == 1 ? Array(repeating: .unused, count: 5)
            : Array(upperPins.prefix(5)) + Array(repeating: .unused, count: max(0, 5 - upperPins.count))
        self.ramBase = version == 1 ? 0 : ramBase
        self.ramSize = version == 1 ? 0 : ramSize
    }

    /// Decodes a block read from `file` at `fileOffset` (used only in messages). Checks the
    /// magic, version, length and CRC, in that order, so the first error says what is there.
    public init(decoding bytes: [UInt8], file: String, fileOffset: Int) throws(BoardConfigBlockError) {
        guard bytes.count >= Self.size else {
            throw .truncated(file: file, fileOffset: fileOffset, count: bytes.count)
        }
        let magic = Self.u32(bytes, 0)
        guard magic == Self.magic else { throw .badMagic(file: file, fileOffset: fileOffset, found: magic) }
        let version = Self.u16(bytes, 4)
        guard version == 1 || version == 2 else {
            throw .unsupportedVersion(file: file, fileOffset: fileOffset + 4, found: version)
        }
        let length = Self.u16(bytes, 6)
        guard Int(length) == Self.size(version: version) else { throw .badLength(file: file, fileOffset: fileOffset + 6, found: length) }
        guard bytes.count >= Int(length) else {
            throw .truncated(file: file, fileOffset: fileOffset, count: bytes.count)
        }
        let b = Array(bytes.prefix(Int(length)))
        let crcAt = Int(length) - 4
        let stored = Self.u32(b, crcAt)
        let computed = CRC32.checksum(b[0..<crcAt])
        guard stored == computed else {
            throw .crcMismatch(file: file, fileOffset: fileOffset + crcAt, stored: stored, computed: computed)
        }
        self.version = version
        self.length = length
        sysclkHz = Self.u32(b, 8)
        octospiDivider = Self.u16(b, 0x0C)
        instance = b[0x0E]
        port = b[0x0F]
        pins = (0..<6).map { PinEntry(raw: b[(0x10 + 4 * $0)..<(0x14 + 4 * $0)]) }
        if version == 1 {
            reserved = Self.u32(b, 0x28)
            flags = 0
            upperPins = Array(repeating: .unused, count: 5)
            ramBase = 0
            ramSize = 0
        } else {
            flags = Self.u32(b, 0x28)
            upperPins = (0..<5).map { PinEntry(raw: b[(0x2C + 4 * $0)..<(0x30 + 4 * $0)]) }
            ramBase = Self.u32(b, 0x40)
            ramSize = Self.u32(b, 0x44)
            reserved = Self.u32(b, 0x48)
        }
    }

    /// The bytes the CRC covers (44 in v1, 76 in v2).
    public var bodyBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(Self.size(version: version))
        out += Self.le(Self.magic)
        out += [UInt8(version & 0xFF), UInt8(version >> 8), UInt8(length & 0xFF), UInt8(length >> 8)]
        out += Self.le(sysclkHz)
        out += [UInt8(octospiDivider & 0xFF), UInt8(octospiDivider >> 8), instance, port]
        for index in 0..<6 {
            out += index < pins.count ? pins[index].bytes : [0, 0, 0, 0]
        }
        if version == 1 {
            out += Self.le(reserved)
        } else {
            out += Self.le(flags)
            for index in 0..<5 {
                out += index < upperPins.count ? upperPins[index].bytes : [0, 0, 0, 0]
            }
            out += Self.le(ramBase) + Self.le(ramSize) + Self.le(reserved)
        }
        return out
    }

    /// CRC-32/ISO-HDLC of `bodyBytes`: what is stored in the last word.
    public var crc: UInt32 { CRC32.checksum(bodyBytes) }

    /// The whole block, CRC included, ready to patch at the `BoardConfig` symbol's file offset.
    public func encoded() -> [UInt8] {
        let body = bodyBytes
        return body + Self.le(CRC32.checksum(body))
    }

    /// The pin entry of a signal by its name in `signalNames` or `upperSignalNames`.
    public func pin(_ signal: String) -> PinEntry? {
        if let index = Self.signalNames.firstIndex(of: signal.uppercased()) { return index < pins.count ? pins[index] : nil }
        return Self.upperSignalNames.firstIndex(of: signal.uppercased()).flatMap { $0 < upperPins.count ? upperPins[$0] : nil }
    }

    // MARK: Bytes

    private static func u16(_ b: [UInt8], _ o: Int) -> UInt16 { UInt16(b[o]) | UInt16(b[o + 1]) << 8 }
    private static func u32(_ b: [UInt8], _ o: Int) -> UInt32 {
        UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
    }
    private static func le(_ v: UInt32) -> [UInt8] {
        [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)]
    }
}

/// Why bytes are not a BoardConfig block (v1 or v2). Each case names the file and the file offset
/// of the field that is wrong.
public enum BoardConfigBlockError: Error, Equatable, Sendable, CustomStringConvertible {
    case truncated(file: String, fileOffset: Int, count: Int)
    case badMagic(file: String, fileOffset: Int, found: UInt32)
    case unsupportedVersion(file: String, fileOffset: Int, found: UInt16)
    case badLength(file: String, fileOffset: Int, found: UInt16)
    case crcMismatch(file: String, fileOffset: Int, stored: UInt32, computed: UInt32)

    public var fileOffset: Int {
        switch self {
        case let .truncated(_, offset, _), let .badMagic(_, offset, _), let .unsupportedVersion(_, offset, _),
             let .badLength(_, offset, _), let .crcMismatch(_, offset, _, _):
            offset
        }
    }

    public var description: String {
        switch self {
        case let .truncated(file, offset, count):
            "\(file): the BoardConfig block at file offset \(hex(offset)) has \(count) bytes in the file; v1 is \(BoardConfigBlock.size), v2 \(BoardConfigBlock.sizeV2)"
        case let .badMagic(file, offset, found):
            "\(file): BoardConfig magic at file offset \(hex(offset)) is \(hex(found, digits: 8)); expected \(hex(BoardConfigBlock.magic, digits: 8)) (\"LLBC\")"
        case let .unsupportedVersion(file, offset, found):
            "\(file): BoardConfig version at file offset \(hex(offset)) is \(found); expected 1 or 2"
        case let .badLength(file, offset, found):
            "\(file): BoardConfig length at file offset \(hex(offset)) is \(found); expected \(BoardConfigBlock.size) for v1, \(BoardConfigBlock.sizeV2) for v2"
        case let .crcMismatch(file, offset, stored, computed):
            "\(file): BoardConfig CRC-32 at file offset \(hex(offset)) is \(hex(stored, digits: 8)); the bytes before it give \(hex(computed, digits: 8))"
        }
    }
}

/// CRC-32/ISO-HDLC, the CRC of zlib's `crc32()`: reflected polynomial 0xEDB88320, initial value
/// and final XOR 0xFFFFFFFF. Check value: "123456789" → 0xCBF43926.
public enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    public static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return crc ^ 0xFFFF_FFFF
    }
}
