import VirtualTime

/// What a part's JESD216 Basic Flash Parameter Table says, as fields; `bytes()` lays out
/// the SFDP header, one BFPT parameter header and the 16 DWORDs (rev 1.6 layout, field
/// positions as Linux `drivers/mtd/spi-nor/sfdp.h` decodes them).
///
/// ```
///   0x00  "SFDP" 06 01 00 FF          header: rev 1.6, one parameter header
///   0x08  00 06 01 10 30 00 00 FF     BFPT: rev 1.6, 16 DWORDs at 0x30
///   0x30  BFPT DWORD1..16
/// ```
/// Real parts have more tables (4-byte instruction table, vendor tables); the model gives
/// the BFPT only, and says so in `docs/parts.md`.
struct SFDPDescription {
    enum AddressBytes: UInt32 { case threeOnly = 0b00, threeOrFour = 0b01, fourOnly = 0b10 }

    var size: Int
    var typical: FlashTimings
    var maximum: FlashTimings
    var addressBytes: AddressBytes = .threeOrFour
    /// (bytes, opcode) for erase types 1..4; the 4 KiB one also goes in DWORD1.
    var eraseTypes: [(size: Int, opcode: UInt8)] = [(4096, 0x20), (32768, 0x52), (65536, 0xD8)]
    /// 1-4-4 read: opcode, wait states, mode clocks (nil: not supported).
    var quadIO: (opcode: UInt8, wait: Int, mode: Int)? = (0xEB, 4, 2)
    var quadOutput: (opcode: UInt8, wait: Int)? = (0x6B, 8)
    var dualIO: (opcode: UInt8, wait: Int, mode: Int)? = (0xBB, 0, 4)
    var dualOutput: (opcode: UInt8, wait: Int)? = (0x3B, 8)
    /// 4-4-4 read (QPI): opcode, wait, mode clocks.
    var qpi: (opcode: UInt8, wait: Int, mode: Int)? = (0xEB, 4, 2)
    var dtr = true
    /// DWORD15 bits 22:20 (QER): 000 none (Micron), 010 SR1 bit 6, 100 SR2 bit 1 via 2-byte 01h, 101 SR2 bit 1 via 31h.
    var quadEnableRequirement: UInt32 = 0b010
    /// DWORD15 bits 8:4 (4-4-4 enable) and 3:0 (4-4-4 disable).
    var qpiEnable: UInt32 = 0b00100
    var qpiDisable: UInt32 = 0b0010
    /// DWORD16 bits 31:24 (enter 4-byte) and 23:14 (exit 4-byte), Linux BFPT_DWORD16_EN4B_* / EX4B_*.
    var enter4Byte: UInt32 = 0
    var exit4Byte: UInt32 = 0
    /// DWORD14 bits 7:2: 000001b = 05h bit 0 (WIP); 000010b = 70h bit 7 (Micron flag status).
    var busyPolling: UInt32 = 0b000001
    var suspendOpcodes: (suspend: UInt8, resume: UInt8)? = (0x75, 0x7A)
    var manufacturer: UInt8 = 0xFF

    func bytes() -> [UInt8] {
        var bytes: [UInt8] = [0x53, 0x46, 0x44, 0x50, 0x06, 0x01, 0x00, 0xFF]
        bytes += [0x00, 0x06, 0x01, 0x10, 0x30, 0x00, 0x00, 0xFF]
        bytes += [UInt8](repeating: 0xFF, count: 0x30 - bytes.count)
        for word in dwords() {
            bytes += [UInt8(word & 0xFF), UInt8((word >> 8) & 0xFF), UInt8((word >> 16) & 0xFF), UInt8(word >> 24)]
        }
        return bytes
    }

    func dwords() -> [UInt32] {
        let fourK = eraseTypes.first { $0.size == 4096 }
        var dword1: UInt32 = 0xFF80_0000 | addressBytes.rawValue << 17 | 1 << 2
        dword1 |= fourK.map { UInt32($0.opcode) << 8 | 0b01 } ?? (0xFF << 8 | 0b11)
        if dualOutput != nil { dword1 |= 1 << 16 }
        if dtr { dword1 |= 1 << 19 }
        if dualIO != nil { dword1 |= 1 << 20 }
        if quadIO != nil { dword1 |= 1 << 21 }
        if quadOutput != nil { dword1 |= 1 << 22 }
        dword1 |= 0xE0
        let dword2 = UInt32(size * 8 - 1)
        func read(_ r: (opcode: UInt8, wait: Int, mode: Int)?) -> UInt32 {
            r.map { UInt32($0.opcode) << 8 | UInt32($0.mode) << 5 | UInt32($0.wait) } ?? 0
        }
        func output(_ r: (opcode: UInt8, wait: Int)?) -> UInt32 {
            r.map { UInt32($0.opcode) << 8 | UInt32($0.wait) } ?? 0
        }
        let dword3 = output(quadOutput) << 16 | read(quadIO)
        let dword4 = read(dualIO) << 16 | output(dualOutput)
        let dword5: UInt32 = 0xFFFF_FFEE | (qpi != nil ? 1 << 4 : 0)
        let dword6: UInt32 = 0xFF00_FFFF
        let dword7: UInt32 = read(qpi) << 16 | 0xFFFF
        var erase: [UInt32] = eraseTypes.prefix(4).map { UInt32($0.opcode) << 8 | UInt32($0.size.trailingZeroBitCount) }
        while erase.count < 4 { erase.append(0) }
        let dword8 = erase[1] << 16 | erase[0]
        let dword9 = erase[3] << 16 | erase[2]
        let eraseUnits: [DeviceTime] = [.milliseconds(1), .milliseconds(16), .milliseconds(128), .seconds(1)]
        var dword10: UInt32 = 0
        var eraseRatio = 1.0
        for (i, type) in eraseTypes.prefix(4).enumerated() {
            dword10 |= IS25LP512MSFDP.encode(typical.erase(bytes: type.size), units: eraseUnits, countBits: 5) << (4 + 7 * UInt32(i))
            eraseRatio = max(eraseRatio, IS25LP512MSFDP.ratio(maximum.erase(bytes: type.size), typical.erase(bytes: type.size)))
        }
        dword10 |= IS25LP512MSFDP.multiplier(eraseRatio)
        let pp = IS25LP512MSFDP.encode(typical.pageProgram, units: [.microseconds(8), .microseconds(64)], countBits: 5)
        let ce = IS25LP512MSFDP.encode(typical.chipErase, units: [.milliseconds(16), .milliseconds(256), .seconds(4), .seconds(64)], countBits: 5)
        let programRatio = max(IS25LP512MSFDP.ratio(maximum.pageProgram, typical.pageProgram),
                               IS25LP512MSFDP.ratio(maximum.chipErase, typical.chipErase))
        let dword11: UInt32 = 1 << 31 | ce << 24 | 0 << 19 | 7 << 14 | pp << 8 | 8 << 4 | IS25LP512MSFDP.multiplier(programRatio)
        let dword12: UInt32 = suspendOpcodes == nil ? 0x8000_0000 | 0x000F_FFFF : 0b10 << 29 | 12 << 24 | 1 << 20 | 0x000F_FFFF
        let dword13: UInt32 = suspendOpcodes.map {
            UInt32($0.suspend) << 24 | UInt32($0.resume) << 16 | UInt32($0.suspend) << 8 | UInt32($0.resume)
        } ?? 0
        let dword14: UInt32 = 0xB9 << 23 | 0xAB << 15 | 0b01 << 13 | 4 << 8 | busyPolling << 2 | 0b11
        let dword15: UInt32 = 0xFF00_0000 | quadEnableRequirement << 20 | 0b0100 << 16 | 0b000001 << 10 | 1 << 9
            | qpiEnable << 4 | qpiDisable
        let dword16: UInt32 = enter4Byte << 24 | exit4Byte << 14 | 0b01_0000 << 8 | 1 << 7 | 0b000_0001
        return [dword1, dword2, dword3, dword4, dword5, dword6, dword7, dword8,
                dword9, dword10, dword11, dword12, dword13, dword14, dword15, dword16]
    }
}

/// Linux `BFPT_DWORD16_EN4B_*` / `EX4B_*` bits, shifted down to their fields.
enum FourByteEntry {
    static let b7h: UInt32 = 1 << 0
    static let writeEnableThenB7h: UInt32 = 1 << 1
    static let extendedAddressRegister: UInt32 = 1 << 2
    static let bankRegister: UInt32 = 1 << 3
    static let nonVolatileConfiguration: UInt32 = 1 << 4
    static let dedicatedOpcodes: UInt32 = 1 << 5
}

enum FourByteExit {
    static let e9h: UInt32 = 1 << 0
    static let writeEnableThenE9h: UInt32 = 1 << 1
    static let extendedAddressRegister: UInt32 = 1 << 2
    static let bankRegister: UInt32 = 1 << 3
    static let nonVolatileConfiguration: UInt32 = 1 << 4
    static let hardwareReset: UInt32 = 1 << 5
    static let softwareReset: UInt32 = 1 << 6
    static let powerCycle: UInt32 = 1 << 7
}
