import LoaderSupport

/// BoardConfig block v2: the MCU and the wiring of the board, patched into the ELF by
/// `loaderlab make-loader` so that a new board needs no firmware build. Byte layout
/// (little-endian, 80 bytes; documented in Firmware/README.md); v1 is the first 44 bytes
/// with a zero word at 0x28 and its CRC at 0x2C (48 bytes), and is still accepted:
///
///   0x00 u32 magic 0x4342_4C4C ("LLBC")   0x0C u16 OCTOSPI divider 1...256
///   0x04 u16 version = 2                  0x0E u8  OCTOSPI instance 1/2
///   0x06 u16 length = 80                  0x0F u8  OCTOSPIM port 1/2
///   0x08 u32 SYSCLK Hz                    0x10 6 × {port 0-9 = A-J, pin 0-15, AF 0-15, flags}
///                                              NCS, CLK, IO0, IO1, IO2, IO3; flags b0 = pull-up
///   0x28 u32 flags: b0 no OCTOSPIM (OCTOSPI1 drives its own pins), b1 octal
///   0x2C 5 × pin entry: IO4, IO5, IO6, IO7, DQS (zero unless octal)
///   0x40 u32 RAM base, 0x44 u32 RAM size (the programmer's contiguous SRAM)
///   0x48 u32 reserved = 0                 0x4C u32 CRC-32 (zlib) of bytes 0x00..0x4B
///
/// The quad build's defaults are the default board: STM32U5G7 (OCTOSPIM, 0x2000_0000 + 0x2F_0000 of RAM),
/// OCTOSPI1 on port 1, NCS PA2, CLK PB10, IO0 PE12, IO1 PB0, IO2 PE14, IO3 PE15, all AF10,
/// pull-ups on NCS/IO2/IO3, SYSCLK 160 MHz, /2. The quad+octal build's are the built-in
/// board stm32u5a9-mx25lm51245g: STM32U5A9 (0x2000_0000 + 0x27_0000 of RAM), OCTOSPI1 on
/// port 1, NCS PA2, CLK PF10 (AF3), DQS PA1, IO0-IO7 PF8 PF9 PA7 PA6 PC1 PC2 PC3 PC0 (IO7 AF3).
public typealias BoardConfigLayout = (
    UInt32, UInt16, UInt16, UInt32, UInt16, UInt8, UInt8,
    UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
    UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
    UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32
)

#if OCTAL
@used @section(".board_config") @_silgen_name("BoardConfig")
public let boardConfigBlock: BoardConfigLayout = (
    0x4342_4C4C, 2, 80, 160_000_000, 2, 1, 1,
    0, 2, 10, 1,  // NCS  PA2  AF10 pull-up
    5, 10, 3, 0,  // CLK  PF10 AF3
    5, 8, 10, 0,  // IO0  PF8  AF10
    5, 9, 10, 0,  // IO1  PF9  AF10
    0, 7, 10, 1,  // IO2  PA7  AF10 pull-up
    0, 6, 10, 1,  // IO3  PA6  AF10 pull-up
    2,  // flags: OCTOSPIM present, octal
    0x000A_0102, 0x000A_0202, 0x000A_0302, 0x0003_0002,  // IO4 PC1, IO5 PC2, IO6 PC3 AF10; IO7 PC0 AF3
    0x000A_0100,  // DQS  PA1  AF10
    0x2000_0000, 0x0027_0000,  // SRAM1-SRAM5
    0,
    0x6148_9D2E  // CRC-32 of the 76 bytes above
)
#else
@used @section(".board_config") @_silgen_name("BoardConfig")
public let boardConfigBlock: BoardConfigLayout = (
    0x4342_4C4C, 2, 80, 160_000_000, 2, 1, 1,
    0, 2, 10, 1,  // NCS  PA2  AF10 pull-up
    1, 10, 10, 0,  // CLK  PB10 AF10
    4, 12, 10, 0,  // IO0  PE12 AF10
    1, 0, 10, 0,  // IO1  PB0  AF10
    4, 14, 10, 1,  // IO2  PE14 AF10 pull-up
    4, 15, 10, 1,  // IO3  PE15 AF10 pull-up
    0,  // flags: OCTOSPIM present, quad
    0, 0, 0, 0, 0,  // IO4-IO7, DQS unused
    0x2000_0000, 0x002F_0000,  // SRAM1-SRAM6
    0,
    0x35B6_580A  // CRC-32 of the 76 bytes above
)
#endif

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
    static let signalCount: UInt32 = 6
    /// flags b0: the MCU has no OCTOSPIM (STM32U535/U545): OCTOSPI1 drives its own pins.
    static let noOCTOSPIM: UInt32 = 1 << 0
    /// flags b1: an octal part, IO4-IO7 and DQS wired (entries at 0x2C); served by the
    /// quad+octal build only (Firmware/build.sh, OCTAL).
    static let octal: UInt32 = 1 << 1
    #if OCTAL
    static let servedFlags: UInt32 = noOCTOSPIM | octal
    #else
    static let servedFlags: UInt32 = noOCTOSPIM
    #endif

    let sysclkHz: UInt32
    let flags: UInt32
    let divider: UInt32
    let instance: UInt32
    let port: UInt32
    private let base: UInt32

    /// The block at its linked address, or nil when its magic, version, length, CRC, flags
    /// or any field is out of range (an octal board (flags b1) is not served by this loader).
    static func load() -> BoardConfig? {
        BoardConfig(base: loader_board_config_address())
    }

    init?(base: UInt32) {
        self.base = base
        let version = UInt32(BoardConfig.half(base, 0x04))
        let length = UInt32(BoardConfig.half(base, 0x06))
        flags = BoardConfig.word(base, 0x28)
        guard BoardConfig.word(base, 0x00) == BoardConfig.magic,
              (version == 1 && length == 48 && flags == 0) || (version == 2 && length == 80),
              BoardConfig.word(base, length - 4) == CRC32.checksum(address: base, count: length - 4),
              flags & ~BoardConfig.servedFlags == 0
        else { return nil }
        sysclkHz = BoardConfig.word(base, 0x08)
        divider = UInt32(BoardConfig.half(base, 0x0C))
        instance = UInt32(loadByte(base + 0x0E))
        port = UInt32(loadByte(base + 0x0F))
        guard instance == 1 || instance == 2, port == 1 || port == 2,
              !hasNoOCTOSPIM || (instance == 1 && port == 1),
              divider >= 1, divider <= 256,
              ClockPlan(sysclkHz: sysclkHz) != nil,
              flashClockHz <= BoardConfig.maximumFlashClockHz
        else { return nil }
        var index: UInt32 = 0
        while index < pinCount {
            let assignment = pin(index)
            let flags = loadByte(base + BoardConfig.pinOffset(index) + 3)
            guard assignment.port <= 9, assignment.pin <= 15, assignment.alternateFunction <= 15, flags & ~1 == 0,
                  !(assignment.port == 0 && (assignment.pin == 13 || assignment.pin == 14))  // PA13/PA14: SWD
            else { return nil }
            // A pin used twice: the entries' first two bytes (port, pin) are equal.
            var other: UInt32 = 0
            while other < index {
                if (BoardConfig.word(base, BoardConfig.pinOffset(other)) ^ BoardConfig.word(base, BoardConfig.pinOffset(index))) & 0xFFFF == 0 { return nil }
                other += 1
            }
            index += 1
        }
    }

    var hasNoOCTOSPIM: Bool { flags & BoardConfig.noOCTOSPIM != 0 }

    #if OCTAL
    var isOctal: Bool { flags & BoardConfig.octal != 0 }
    /// NCS, CLK, IO0-IO3, then for an octal part IO4-IO7 and DQS.
    var pinCount: UInt32 { isOctal ? 11 : BoardConfig.signalCount }

    /// Entries 0-5 at 0x10, entries 6-10 (IO4-IO7, DQS) at 0x2C, after the flags word.
    @inline(__always) static func pinOffset(_ index: UInt32) -> UInt32 { 0x10 + 4 * index + (index >= 6 ? 4 : 0) }
    #else
    var pinCount: UInt32 { BoardConfig.signalCount }

    @inline(__always) static func pinOffset(_ index: UInt32) -> UInt32 { 0x10 + 4 * index }
    #endif

    /// The fastest SDR clock of the quad parts served (IS25LP512M, W25Q, MT25QL: 133 MHz).
    static let maximumFlashClockHz: UInt32 = 133_000_000

    /// The flash clock: OCTOSPI kernel clock (SYSCLK, CCIPR2.OCTOSPISEL = 00) / divider.
    var flashClockHz: UInt32 { sysclkHz / divider }

    /// Signal `index`: 0 NCS, 1 CLK, 2 IO0, 3 IO1, 4 IO2, 5 IO3 (octal: 6-9 IO4-IO7, 10 DQS).
    func pin(_ index: UInt32) -> PinAssignment {
        let at = base + BoardConfig.pinOffset(index)
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
