import VirtualTime

/// The JESD216 table the model's RDSFDP (5Ah) returns for the 512 Mbit ISSI parts.
///
/// No dump of the real IS25LP512M table is public (reference §A.1), so this one is built
/// from the part's own data, with the layout of the sibling IS25LP01G (SFDP rev 1.6, two
/// parameter headers, 16-DWORD BFPT; RIOT PR #15617):
///
/// ```
///   0x00  "SFDP" 06 01 01 FF          header: rev 1.6, NPH = 1 (two headers)
///   0x08  00 06 01 10 30 00 00 FF     BFPT: rev 1.6, 16 DWORDs at 0x30
///   0x10  9D 00 01 02 70 00 00 FF     ISSI vendor table: 2 DWORDs at 0x70 (content unknown: all FFh)
///   0x30  BFPT DWORD1..16
///   0x70  vendor table
/// ```
///
/// The quirk (choice documented here): DWORD1 bits 18:17 say **3-byte address only** (00b)
/// as Linux reports for IS25LP256 (`is25lp256_post_bfpt_fixups`), while DWORD16 still
/// advertises how 4-byte addressing is entered (B7h, the bank address register, dedicated
/// 4-byte opcodes). A host that trusts DWORD1 alone would stay in 3-byte mode and alias
/// every address above 16 MiB into the bank BAR selects; the model lets that happen.
/// Fields the reference does not give (DWORD12 suspend latencies, DWORD14/15 details) are
/// best-effort encodings of the datasheet's behaviour and are marked [MEM].
enum IS25LP512MSFDP {
    static func table(size: Int, typical: FlashTimings, maximum: FlashTimings, quirks: FlashQuirks) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes += [0x53, 0x46, 0x44, 0x50, 0x06, 0x01, 0x01, 0xFF]
        bytes += [0x00, 0x06, 0x01, 0x10, 0x30, 0x00, 0x00, 0xFF]
        bytes += [0x9D, 0x00, 0x01, 0x02, 0x70, 0x00, 0x00, 0xFF]
        bytes += [UInt8](repeating: 0xFF, count: 0x30 - bytes.count)
        for word in bfpt(size: size, typical: typical, maximum: maximum, quirks: quirks) {
            bytes += [UInt8(word & 0xFF), UInt8((word >> 8) & 0xFF), UInt8((word >> 16) & 0xFF), UInt8(word >> 24)]
        }
        bytes += [UInt8](repeating: 0xFF, count: 8)
        return bytes
    }

    static func bfpt(size: Int, typical: FlashTimings, maximum: FlashTimings, quirks: FlashQuirks) -> [UInt32] {
        // DWORD1: 4 KiB erase supported (01b) with 20h, write granularity >= 64 B (bit 2),
        // 1-1-2 (bit 16), DTR (bit 19), 1-2-2 (bit 20), 1-4-4 (bit 21), 1-1-4 (bit 22);
        // bits 18:17 address bytes: 00 = 3 only, 01 = 3 or 4.
        let addressBytes: UInt32 = quirks.sfdpAdvertisesThreeByteAddressOnly ? 0b00 : 0b01
        let dword1: UInt32 = 0xFF80_0000 | 1 << 22 | 1 << 21 | 1 << 20 | 1 << 19 | addressBytes << 17 | 1 << 16
            | 0x20 << 8 | 0xE0 | 1 << 2 | 0b01
        // DWORD2: density in bits minus one (bit 31 = 0: value is the size itself).
        let dword2 = UInt32(size * 8 - 1)
        // DWORD3: 1-4-4 EBh 4 wait + 2 mode clocks; 1-1-4 6Bh 8 wait, no mode.
        let dword3: UInt32 = 0x6B << 24 | 0x08 << 16 | 0xEB << 8 | (2 << 5 | 4)
        // DWORD4: 1-2-2 BBh 0 wait + 4 mode clocks; 1-1-2 3Bh 8 wait.
        let dword4: UInt32 = 0xBB << 24 | (4 << 5 | 0) << 16 | 0x3B << 8 | 0x08
        // DWORD5: 4-4-4 supported (bit 4), 2-2-2 not (bit 0).
        let dword5: UInt32 = 0xFFFF_FFEE | 1 << 4
        // DWORD6: 2-2-2 not supported.
        let dword6: UInt32 = 0xFF00_FFFF
        // DWORD7: 4-4-4 EBh, 4 wait + 2 mode clocks.
        let dword7: UInt32 = 0xEB << 24 | (2 << 5 | 4) << 16 | 0xFFFF
        // DWORD8/9: erase types 1..3: 2^12 with 20h, 2^15 with 52h, 2^16 with D8h; type 4 none.
        let dword8: UInt32 = 0x52 << 24 | 15 << 16 | 0x20 << 8 | 12
        let dword9: UInt32 = 0x0000 << 16 | 0xD8 << 8 | 16
        // DWORD10: typical erase times and the max/typical multiplier 2*(N+1).
        let eraseUnits: [DeviceTime] = [.milliseconds(1), .milliseconds(16), .milliseconds(128), .seconds(1)]
        let e1 = encode(typical.sectorErase4K, units: eraseUnits, countBits: 5)
        let e2 = encode(typical.blockErase32K, units: eraseUnits, countBits: 5)
        let e3 = encode(typical.blockErase64K, units: eraseUnits, countBits: 5)
        let eraseRatio = max(ratio(maximum.sectorErase4K, typical.sectorErase4K),
                             ratio(maximum.blockErase32K, typical.blockErase32K),
                             ratio(maximum.blockErase64K, typical.blockErase64K))
        let dword10: UInt32 = e3 << 18 | e2 << 11 | e1 << 4 | multiplier(eraseRatio)
        // DWORD11: page 2^8, page program typical, first/additional byte (8 µs / 1 µs, [MEM]),
        // chip erase typical; multiplier for the max.
        let pp = encode(typical.pageProgram, units: [.microseconds(8), .microseconds(64)], countBits: 5)
        let ce = encode(typical.chipErase, units: [.milliseconds(16), .milliseconds(256), .seconds(4), .seconds(64)], countBits: 5)
        let programRatio = max(ratio(maximum.pageProgram, typical.pageProgram), ratio(maximum.chipErase, typical.chipErase))
        let dword11: UInt32 = 1 << 31 | ce << 24 | 0 << 19 | 7 << 14 | pp << 8 | 8 << 4 | multiplier(programRatio)
        // DWORD12: suspend/resume supported (bit 31 = 0); suspend latency max 100 µs in 8 µs
        // units, resume-to-suspend 100 µs; prohibited-operation fields left 1s [MEM].
        let dword12: UInt32 = 0b10 << 29 | 12 << 24 | 1 << 20 | 0x000F_FFFF
        // DWORD13: suspend 75h / resume 7Ah, same opcodes for program and erase.
        let dword13: UInt32 = 0x75 << 24 | 0x7A << 16 | 0x75 << 8 | 0x7A
        // DWORD14: deep power-down supported (bit 31 = 0), enter B9h, exit ABh, exit delay
        // 5 µs (1 µs units), busy polled with 05h bit 0 (legacy).
        let dword14: UInt32 = 0xB9 << 23 | 0xAB << 15 | 0b01 << 13 | 4 << 8 | 0b000001 << 2 | 0b11
        // DWORD15: QE is status register bit 6 written with one byte by 01h (QER = 010b);
        // 4-4-4 entered with 35h (bits 8:4 = x_x1xxb), left with F5h (bits 3:0 = xx1xb);
        // 0-4-4 (AX continuous read) supported (bit 9) [MEM for the entry/exit method bits].
        let dword15: UInt32 = 0xFF00_0000 | 0b010 << 20 | 0b0100 << 16 | 0b000001 << 10 | 1 << 9 | 0b00100 << 4 | 0b0010
        // DWORD16: 4-byte entry = B7h (bit 0) | bank register with EXTADD (bit 3) | dedicated
        // 4-byte opcodes (bit 5; Linux BFPT_DWORD16_EN4B_4B_OPCODES = BIT(29), bit 4 is the
        // 16-bit NV configuration register); exit = bank register, software reset, power
        // cycle (29h has no JESD216 code); soft reset 66h+99h (bit 12); SR1 non-volatile.
        let dword16: UInt32 = 0b0010_1001 << 24 | 0b00_0110_1000 << 14 | 0b01_0000 << 8 | 1 << 7 | 0b000_0001
        return [dword1, dword2, dword3, dword4, dword5, dword6, dword7, dword8,
                dword9, dword10, dword11, dword12, dword13, dword14, dword15, dword16]
    }

    /// JESD216 time fields: (count + 1) × unit, unit index in the bits above the count.
    static func encode(_ time: DeviceTime, units: [DeviceTime], countBits: Int) -> UInt32 {
        let limit = UInt64(1) << countBits
        for (index, unit) in units.enumerated() where unit.picoseconds > 0 {
            let count = (time.picoseconds + unit.picoseconds - 1) / unit.picoseconds
            if count >= 1 && count <= limit {
                return UInt32(index) << countBits | UInt32(count - 1)
            }
        }
        return UInt32(units.count - 1) << countBits | UInt32(limit - 1)
    }

    static func ratio(_ a: DeviceTime, _ b: DeviceTime) -> Double {
        b.picoseconds == 0 ? 1 : Double(a.picoseconds) / Double(b.picoseconds)
    }

    /// Smallest N with 2 × (N + 1) ≥ ratio.
    static func multiplier(_ ratio: Double) -> UInt32 {
        var n: UInt32 = 0
        while Double(2 * (n + 1)) < ratio && n < 15 { n += 1 }
        return n
    }
}
