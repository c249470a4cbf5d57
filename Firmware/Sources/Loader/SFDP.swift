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
        var fourByteSupport: UInt32 = 0  // 4BAIT dword 1; 0 = no 4BAIT
        var fourByteErase: UInt32 = 0  // 4BAIT dword 2
        #if OCTAL
        var profileDword1: UInt32 = 0  // xSPI profile 1.0 (FF05h) dword 1; 0 = no such table
        var profileDword4: UInt32 = 0  // its dword 4 (b11:7: 8D read dummy cycles at 200 MHz)
        var bfptDword18: UInt32 = 0xFFFF_FFFF  // b30:29 opcode extension; all ones = not listed
        #endif
    }

    /// One dword of the SFDP space; all ones when the transfer failed (what an absent part
    /// gives too), which no check below accepts as a signature, header or density.
    @inline(never) static func dword(_ spi: OCTOSPI, _ address: UInt32) -> UInt32 {
        spi.read(SPICommand(instruction: SPINOR.Opcode.readSFDP, addressLines: .one, address: address,
                            addressSize: 0b10, dummyCycles: 8, dataLines: .one), count: 4) ?? 0xFFFF_FFFF
    }

    /// Fills `tables` from the part's SFDP; false when it has no usable SFDP: no signature,
    /// no BFPT of at least 9 dwords, a density the loader cannot map.
    static func read(_ spi: OCTOSPI, into tables: inout Tables) -> Bool {
        guard dword(spi, 0) == signature else { return false }
        let headers = min((dword(spi, 4) >> 16) & 0xFF, 7) + 1
        var bfpt: UInt32 = 0
        var bfptLength: UInt32 = 0
        var index: UInt32 = 0
        while index < headers {
            let first = dword(spi, 8 + 8 * index)
            let second = dword(spi, 12 + 8 * index)
            let id = (second >> 16) & 0xFF00 | first & 0xFF
            let length = first >> 24
            let pointer = second & 0xFF_FFFF
            // The longest BFPT of major revision 1 (a part may list a rev 1.0 table first and a
            // later revision after it, as Linux's spi_nor_parse_sfdp also allows).
            if id == 0xFF00 && length > bfptLength && (first >> 16) & 0xFF == 1 {
                bfpt = pointer
                bfptLength = length
            } else if id == 0xFF84 && length >= 2 && tables.fourByteSupport == 0 {
                tables.fourByteSupport = dword(spi, pointer)
                tables.fourByteErase = dword(spi, pointer + 4)
            }
            #if OCTAL
            if id == 0xFF05 && length >= 4 && tables.profileDword1 == 0 {
                tables.profileDword1 = dword(spi, pointer)
                tables.profileDword4 = dword(spi, pointer + 12)
            }
            #endif
            index += 1
        }
        guard bfptLength >= 9 else { return false }
        let d2 = dword(spi, bfpt + 4)
        // Density in bits; the loader maps 64 KiB ... 256 MiB (2^19 ... 2^31 bits).
        let log2Bits: UInt32
        if d2 & 0x8000_0000 != 0 && d2 != 0xFFFF_FFFF {
            log2Bits = d2 & 0x7FFF_FFFF
        } else {
            guard (d2 &+ 1) & d2 == 0 else { return false }  // bits a power of two
            log2Bits = UInt32((d2 &+ 1).trailingZeroBitCount)
        }
        guard log2Bits >= 19, log2Bits <= 31 else { return false }
        tables.sizeBytes = UInt32(1) << (log2Bits - 3)
        tables.dword1 = dword(spi, bfpt)
        tables.readSettings = dword(spi, bfpt + 8)
        tables.eraseTypes = (dword(spi, bfpt + 28), dword(spi, bfpt + 32))
        tables.qer = Errata.unknownQER
        if bfptLength >= 16 {
            let pageShift = (dword(spi, bfpt + 40) >> 4) & 0xF
            if pageShift >= 4 && pageShift <= 10 { tables.pageSize = UInt32(1) << pageShift }
            tables.qer = (dword(spi, bfpt + 56) >> 20) & 0b111
            tables.enter4Byte = dword(spi, bfpt + 60) >> 24
        }
        #if OCTAL
        if bfptLength >= 18 { tables.bfptDword18 = dword(spi, bfpt + 68) }
        #endif
        return true
    }
}
