/// ISSI IS25LP512M / IS25WP512M: the facts this loader relies on (is25lp512m.md §A).
enum IS25LP512M {
    static let size: UInt32 = 0x0400_0000  // 64 MiB
    static let pageSize: UInt32 = 256
    static let sectorSize: UInt32 = 4 * 1024
    static let block32Size: UInt32 = 32 * 1024
    static let block64Size: UInt32 = 64 * 1024
    /// OCTOSPI DCR1.DEVSIZE: 2^(25+1) bytes = 64 MiB.
    static let devsize: UInt32 = 25

    /// RDID (9Fh) answers, first byte in bits 7:0: 9D 60 1A (LP), 9D 70 1A (WP) and the
    /// newer "MG/MJ" parts 9D 60 20, 9D 70 20 (§A.1: OpenOCD, U-Boot, Zephyr).
    static func isKnownJEDECID(_ id: UInt32) -> Bool {
        id == 0x1A_609D || id == 0x1A_709D || id == 0x20_609D || id == 0x20_709D
    }

    enum Opcode {
        static let resetEnable: UInt8 = 0x66
        static let reset: UInt8 = 0x99
        static let readJEDECID: UInt8 = 0x9F
        static let writeEnable: UInt8 = 0x06
        static let writeDisable: UInt8 = 0x04
        static let readStatus: UInt8 = 0x05
        static let writeStatus: UInt8 = 0x01
        /// SRPV, Set Read Parameters (volatile); 63h is an alias.
        static let setReadParametersVolatile: UInt8 = 0xC0
        static let readReadParameters: UInt8 = 0x61
        static let readExtendedReadParameters: UInt8 = 0x81
        static let clearExtendedReadParameters: UInt8 = 0x82
        /// Dedicated 4-byte-address opcodes (work whatever the EXTADD bit says).
        static let fastReadQuadOutput4B: UInt8 = 0x6C  // 1-1-4
        static let quadPageProgram4B: UInt8 = 0x34  // 1-1-4
        static let sectorErase4B: UInt8 = 0x21  // 4 KiB
        static let blockErase32K4B: UInt8 = 0x5C
        static let blockErase64K4B: UInt8 = 0xDC
        static let chipErase: UInt8 = 0xC7
    }

    enum Status {
        static let wip: UInt8 = 1 << 0
        static let wel: UInt8 = 1 << 1
        /// BP0..BP3, block protection: cleared by Init so that erase/program are not refused.
        static let blockProtect: UInt8 = 0b1111 << 2
        static let qe: UInt8 = 1 << 6
    }

    /// Extended Read Register (81h): PROT_E b1, P_ERR b2, E_ERR b3 (§A.4).
    enum ExtendedRead {
        static let protectionError: UInt8 = 1 << 1
        static let programError: UInt8 = 1 << 2
        static let eraseError: UInt8 = 1 << 3
    }

    /// Read Register (C0h/63h write, 61h read): dummy cycles DC3..0 in b6:3, wrap off,
    /// b7 (HOLD#/RESET# pin select) 0. 8 dummy cycles: the value 6Ch needs at ≤ 133 MHz.
    static let readDummyCycles: UInt32 = 8
    static let readRegisterValue: UInt8 = UInt8(readDummyCycles << 3)

    /// Maxima from §A.6 with margin: page 0.8 ms, 4 KiB 300 ms, 64 KiB ≈ 1 s, chip ≈ 270 s.
    enum Timeout {
        static let pageProgramMs: UInt32 = 10
        static let sectorEraseMs: UInt32 = 1_000
        static let block32EraseMs: UInt32 = 2_000
        static let block64EraseMs: UInt32 = 3_000
        static let chipEraseMs: UInt32 = 400_000
        static let writeStatusMs: UInt32 = 1_000
        /// tRST is tens of µs [MEM]; waiting 1 ms costs nothing.
        static let resetRecoveryUs: UInt32 = 1_000
        /// WIP after the reset: covers a 64 KiB erase that the reset did not stop.
        static let afterResetMs: UInt32 = 3_000
    }
}
