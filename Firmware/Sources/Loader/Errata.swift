/// What some parts' SFDP gets wrong or leaves out, by JEDEC manufacturer ID (RDID byte 0),
/// in the manner of Linux spi-nor's per-vendor fixups; and the built-in description of the
/// one part family served before SFDP was read, for a part that answers without SFDP.
enum Errata {
    static let issi: UInt32 = 0x9D
    static let micron: UInt32 = 0x20
    static let macronix: UInt32 = 0xC2
    static let winbond: UInt32 = 0xEF
    static let gigadevice: UInt32 = 0xC8

    /// Marks "the BFPT is older than rev A and says nothing about QE" for `fix`.
    static let unknownQER: UInt32 = 0xFF

    /// Corrects `tables` for the part `id` (RDID bytes, first byte in b7:0).
    static func fix(_ tables: inout SFDP.Tables, id: UInt32) {
        let maker = id & 0xFF
        if maker == issi {
            // ISSI IS25LP/WP: QE is SR1 bit 6 (Linux issi.c uses sr1_bit6 for every part), and
            // the dedicated 4-byte opcodes exist though the BFPT advertises 3-byte addresses only
            // and no 4BAIT may be present (Linux is25lp256_post_bfpt_fixups).
            tables.qer = 0b010
            if tables.fourByteSupport == 0 { synthesize4BAIT(&tables) }
        } else if tables.qer == unknownQER {
            // JESD216 rev 0 tables have no QER: the vendors' usual bit.
            tables.qer = maker == macronix ? 0b010 : (maker == winbond || maker == gigadevice) ? 0b100 : 0b000
        }
    }

    /// The 4-byte opcodes every part of a vendor that has them uses: 6Ch, ECh, 12h, 34h, and the
    /// erases 21h (for 20h), 5Ch (52h), DCh (D8h).
    static func synthesize4BAIT(_ tables: inout SFDP.Tables) {
        var support: UInt32 = 0b1111 << 4  // 6Ch, ECh, 12h, 34h
        var opcodes: UInt32 = 0
        var type: UInt32 = 0
        while type < 4 {
            let half = (type < 2 ? tables.eraseTypes.0 : tables.eraseTypes.1) >> (16 * (type & 1))
            let opcode = (half >> 8) & 0xFF
            let fourByte: UInt32 = opcode == 0x20 ? 0x21 : opcode == 0x52 ? 0x5C : opcode == 0xD8 ? 0xDC : 0
            if fourByte != 0 {
                support |= 1 << (9 + type)
                opcodes |= fourByte << (8 * type)
            }
            type += 1
        }
        tables.fourByteSupport = support
        tables.fourByteErase = opcodes
    }

    /// Status register 1 bits to clear so nothing is write-protected: BP0-BP3 (b5:2) on ISSI,
    /// Winbond, Macronix, GigaDevice; Micron has BP0-BP2 b4:2, TB b5, BP3 b6.
    static func protectionBits(maker: UInt32) -> UInt8 { maker == micron ? 0x5C : 0x3C }

    /// A page program opcode with a 3-byte address and 4 data lines: 32h (1-1-4) where the vendor
    /// has it, Macronix's 38h (1-4-4), else plain 02h. Result: opcode b7:0, b8 data on 4 lines,
    /// b9 address on 4 lines (Profile.program's encoding).
    static func threeByteProgram(maker: UInt32) -> UInt32 {
        if maker == macronix { return 0x38 | 1 << 8 | 1 << 9 }
        if maker == issi || maker == winbond || maker == micron || maker == gigadevice { return 0x32 | 1 << 8 }
        return 0x02
    }

    /// The built-in tables of the IS25LP512M / IS25WP512M (9D 60/70 1A, 9D 60/70 20), used when
    /// such a part answers RDID but not 5Ah: 64 MiB, 256-byte pages, 4/32/64 KiB erases
    /// 20h/52h/D8h, 1-4-4 EBh with 2 mode clocks + 4 wait states, 1-1-4 6Bh with 8, QE = SR1 b6.
    static func fallback(id: UInt32, into tables: inout SFDP.Tables) -> Bool {
        guard id & 0xFF == issi, (id >> 8) & 0xEF == 0x60, (id >> 16) == 0x1A || (id >> 16) == 0x20 else { return false }
        tables.sizeBytes = 64 << 20
        tables.dword1 = 1 << 21 | 1 << 22
        tables.readSettings = 0x6B08_EB44
        tables.eraseTypes = (0x520F_200C, 0x0000_D810)
        tables.qer = 0b010
        return true
    }
}
