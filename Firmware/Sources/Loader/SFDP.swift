/// Serial Flash Discoverable Parameters (JESD216, revisions A to D), read with 5Ah (24-bit
/// address, 8 dummy clocks, 1-1-1, whatever the part's other commands use), one
/// little-endian dword per transfer. Field positions (JESD216D; the same in Linux
/// drivers/mtd/spi-nor/sfdp.h):
///
///   header   dword 0 "SFDP" (0x5044_4653); dword 1 b23:16 number of parameter headers − 1
///   param.   dword 0 b7:0 ID LSB, b15:8 minor, b23:16 major, b31:24 length in dwords;
///   header   dword 1 b23:0 table pointer, b31:24 ID MSB.  BFPT = FF00h, 4BAIT = FF84h
///   BFPT 1   b18:17 address bytes, b21 1-4-4 read, b22 1-1-4 read
///   BFPT 2   density: b31 = 0 → bits − 1, b31 = 1 → log2(bits)
///   BFPT 3   1-4-4 read b15:0, 1-1-4 read b31:16: {wait states b4:0, mode clocks b7:5, opcode b15:8}
///   BFPT 8/9 erase types 1-4: {log2(size) b7:0, opcode b15:8} at b15:0 / b31:16
///   BFPT 11  b7:4 log2(page size)                          (rev A+)
///   BFPT 15  b22:20 quad enable requirement (QER)           (rev A+)
///   BFPT 16  b31:24 4-byte entry: b24 B7h, b25 WREN + B7h   (rev A+)
///   4BAIT 1  b4 6Ch, b5 ECh, b6 12h, b7 34h, b9-b12 erase type 1-4 with a 4-byte opcode
///   4BAIT 2  the 4-byte erase opcodes of types 1-4, one byte each
enum SFDP {
    static let signature: UInt32 = 0x5044_4653

    /// What the BFPT (and the 4BAIT, when present) say, before the errata table is applied.
    struct Tables {
        var sizeBytes: UInt32 = 0
        var pageSize: UInt32 = 256
        var dword1: UInt32 = 0
        var readSettings: UInt32 = 0  // BFPT dword 3
        var eraseTypes: (UInt32, UInt32) = (0, 0)  // BFPT dwords 8, 9
        var qer: UInt32 = 0
        var enter4Byte: UInt32 = 0  // BFPT dword 16 b31:24
        var has4BAIT = false
        var fourByteSupport: UInt32 = 0  // 4BAIT dword 1
        var fourByteErase: UInt32 = 0  // 4BAIT dword 2
    }

    /// One dword of the SFDP space, or nil when the transfer failed.
    @inline(never) static func dword(_ spi: OCTOSPI, _ address: UInt32) -> UInt32? {
        spi.read(SPICommand(instruction: SPINOR.Opcode.readSFDP, addressLines: .one, address: address,
                            addressSize: 0b10, dummyCycles: 8, dataLines: .one), count: 4)
    }

    /// The part's tables, or nil when it has no (usable) SFDP: no signature, no BFPT of at
    /// least 9 dwords, a density the loader cannot map.
    static func read(_ spi: OCTOSPI) -> Tables? {
        guard dword(spi, 0) == signature, let header = dword(spi, 4) else { return nil }
        let headers = min((header >> 16) & 0xFF, 7) + 1
        var bfpt: UInt32 = 0
        var bfptLength: UInt32 = 0
        var tables = Tables()
        var index: UInt32 = 0
        while index < headers {
            guard let first = dword(spi, 8 + 8 * index), let second = dword(spi, 12 + 8 * index) else { return nil }
            let id = (second >> 16) & 0xFF00 | first & 0xFF
            let length = first >> 24
            let pointer = second & 0xFF_FFFF
            if id == 0xFF00 && bfptLength == 0 && (first >> 16) & 0xFF == 1 {
                bfpt = pointer
                bfptLength = length
            } else if id == 0xFF84 && length >= 2 && !tables.has4BAIT,
                      let support = dword(spi, pointer), let erase = dword(spi, pointer + 4) {
                tables.has4BAIT = true
                tables.fourByteSupport = support
                tables.fourByteErase = erase
            }
            index += 1
        }
        guard bfptLength >= 9, let d1 = dword(spi, bfpt), let d2 = dword(spi, bfpt + 4),
              let d3 = dword(spi, bfpt + 8), let d8 = dword(spi, bfpt + 28), let d9 = dword(spi, bfpt + 32)
        else { return nil }
        // Density in bits; the loader maps 64 KiB ... 256 MiB (2^19 ... 2^31 bits).
        let log2Bits: UInt32
        if d2 & 0x8000_0000 != 0 {
            log2Bits = d2 & 0x7FFF_FFFF
        } else {
            guard d2 != 0xFFFF_FFFF, (d2 &+ 1) & d2 == 0 else { return nil }  // bits a power of two
            log2Bits = UInt32((d2 &+ 1).trailingZeroBitCount)
        }
        guard log2Bits >= 19, log2Bits <= 31 else { return nil }
        tables.sizeBytes = UInt32(1) << (log2Bits - 3)
        tables.dword1 = d1
        tables.readSettings = d3
        tables.eraseTypes = (d8, d9)
        if bfptLength >= 16, let d11 = dword(spi, bfpt + 40), let d15 = dword(spi, bfpt + 56), let d16 = dword(spi, bfpt + 60) {
            let pageShift = (d11 >> 4) & 0xF
            if pageShift >= 4 && pageShift <= 10 { tables.pageSize = UInt32(1) << pageShift }
            tables.qer = (d15 >> 20) & 0b111
            tables.enter4Byte = d16 >> 24
        } else {
            tables.qer = Errata.unknownQER
        }
        return tables
    }
}
