import LoaderSupport

/// BoardConfig block v1: the wiring of the board, patched into the ELF by
/// `loaderlab make-loader` so that a new board needs no firmware build. Byte layout
/// (little-endian, 48 bytes; documented in Firmware/README.md):
///
///   0x00 u32 magic 0x4342_4C4C ("LLBC")   0x0C u16 OCTOSPI divider 1...256
///   0x04 u16 version = 1                  0x0E u8  OCTOSPI instance 1/2
///   0x06 u16 length = 48                  0x0F u8  OCTOSPIM port 1/2
///   0x08 u32 SYSCLK Hz                    0x10 6 × {port 0-9 = A-J, pin 0-15, AF 0-15, flags}
///                                              NCS, CLK, IO0, IO1, IO2, IO3; flags b0 = pull-up
///   0x28 u32 reserved = 0                 0x2C u32 CRC-32 (zlib) of bytes 0x00..0x2B
///
/// The defaults are the default board: OCTOSPI1 on port 1, NCS PA2, CLK PB10, IO0 PE12,
/// IO1 PB0, IO2 PE14, IO3 PE15, all AF10, pull-ups on NCS/IO2/IO3, SYSCLK 160 MHz, /2.
@used @section(".board_config") @_silgen_name("BoardConfig")
public let boardConfigBlock: (
    UInt32, UInt16, UInt16, UInt32, UInt16, UInt8, UInt8,
    UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
    UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
    UInt32, UInt32
) = (
    0x4342_4C4C, 1, 48, 160_000_000, 2, 1, 1,
    0, 2, 10, 1,  // NCS  PA2  AF10 pull-up
    1, 10, 10, 0,  // CLK  PB10 AF10
    4, 12, 10, 0,  // IO0  PE12 AF10
    1, 0, 10, 0,  // IO1  PB0  AF10
    4, 14, 10, 1,  // IO2  PE14 AF10 pull-up
    4, 15, 10, 1,  // IO3  PE15 AF10 pull-up
    0,
    0x4D6E_C7B8  // CRC-32 of the 44 bytes above
)

/// A flash signal's pin, as read from the block.
struct PinAssignment: Equatable {
    var port: UInt32
    var pin: UInt32
    var alternateFunction: UInt32
    var pullUp: Bool
}

/// A validated view of the BoardConfig block. It is read at run time through volatile
/// loads from the address the linker gives (never from the Swift constant, which the
/// optimizer would fold): what counts is the bytes in the downloaded image.
struct BoardConfig {
    static let magic: UInt32 = 0x4342_4C4C
    static let version: UInt16 = 1
    static let length: UInt32 = 48
    static let signalCount: UInt32 = 6

    let sysclkHz: UInt32
    let divider: UInt32
    let instance: UInt32
    let port: UInt32
    private let base: UInt32

    /// The block at its linked address, or nil when its magic, version, length, CRC,
    /// reserved word or any field is out of range.
    static func load() -> BoardConfig? {
        BoardConfig(base: loader_board_config_address())
    }

    init?(base: UInt32) {
        self.base = base
        guard BoardConfig.word(base, 0x00) == BoardConfig.magic,
              BoardConfig.half(base, 0x04) == BoardConfig.version,
              UInt32(BoardConfig.half(base, 0x06)) == BoardConfig.length,
              BoardConfig.word(base, 0x28) == 0,
              BoardConfig.word(base, 0x2C) == CRC32.checksum(address: base, count: 0x2C)
        else { return nil }
        sysclkHz = BoardConfig.word(base, 0x08)
        divider = UInt32(BoardConfig.half(base, 0x0C))
        instance = UInt32(loadByte(base + 0x0E))
        port = UInt32(loadByte(base + 0x0F))
        guard instance == 1 || instance == 2, port == 1 || port == 2,
              divider >= 1, divider <= 256,
              ClockPlan(sysclkHz: sysclkHz) != nil,
              flashClockHz <= BoardConfig.maximumFlashClockHz
        else { return nil }
        var index: UInt32 = 0
        while index < BoardConfig.signalCount {
            let assignment = pin(index)
            let flags = loadByte(base + 0x10 + 4 * index + 3)
            guard assignment.port <= 9, assignment.pin <= 15, assignment.alternateFunction <= 15, flags & ~1 == 0,
                  !(assignment.port == 0 && (assignment.pin == 13 || assignment.pin == 14))  // PA13/PA14: SWD
            else { return nil }
            var other: UInt32 = 0
            while other < index {
                let earlier = pin(other)
                if earlier.port == assignment.port && earlier.pin == assignment.pin { return nil }
                other += 1
            }
            index += 1
        }
    }

    /// Fast-read limit of the IS25LP512M (133 MHz, is25lp512m.md §A.2).
    static let maximumFlashClockHz: UInt32 = 133_000_000

    /// The flash clock: OCTOSPI kernel clock (SYSCLK, CCIPR2.OCTOSPISEL = 00) / divider.
    var flashClockHz: UInt32 { sysclkHz / divider }

    /// Signal `index`: 0 NCS, 1 CLK, 2 IO0, 3 IO1, 4 IO2, 5 IO3.
    func pin(_ index: UInt32) -> PinAssignment {
        let at = base + 0x10 + 4 * index
        return PinAssignment(
            port: UInt32(loadByte(at)), pin: UInt32(loadByte(at + 1)),
            alternateFunction: UInt32(loadByte(at + 2)), pullUp: loadByte(at + 3) & 1 != 0)
    }

    /// The block is word-aligned (loader.ld), so every field is read with one aligned load.
    private static func half(_ base: UInt32, _ offset: UInt32) -> UInt16 {
        UInt16(truncatingIfNeeded: loadWord(base + (offset & ~3)) >> (8 * (offset & 2)))
    }

    private static func word(_ base: UInt32, _ offset: UInt32) -> UInt32 {
        loadWord(base + offset)
    }
}

/// CRC-32/ISO-HDLC (zlib's crc32): reflected polynomial 0xEDB88320, initial value and final
/// XOR 0xFFFFFFFF. Bitwise, without a table: 44 bytes once per call.
enum CRC32 {
    static func checksum(address: UInt32, count: UInt32) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        var offset: UInt32 = 0
        while offset < count {
            crc ^= UInt32(loadByte(address + offset))
            var bit = 0
            while bit < 8 {
                crc = (crc & 1 != 0) ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
                bit += 1
            }
            offset += 1
        }
        return crc ^ 0xFFFF_FFFF
    }
}
