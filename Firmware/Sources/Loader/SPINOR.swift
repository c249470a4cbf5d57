/// Commands and register bits every serial NOR the loader serves shares (JESD216 and the
/// parts' datasheets agree on these); part-specific facts come from SFDP (SFDP.swift) or the
/// errata table (Errata.swift).
enum SPINOR {
    enum Opcode {
        static let resetEnable: UInt8 = 0x66
        static let reset: UInt8 = 0x99
        static let readJEDECID: UInt8 = 0x9F
        static let readSFDP: UInt8 = 0x5A
        static let writeEnable: UInt8 = 0x06
        static let readStatus: UInt8 = 0x05
        static let writeStatus: UInt8 = 0x01
        /// Status register 2 read (QER 001b/100b/101b parts).
        static let readStatus2: UInt8 = 0x35
        /// Status register 2 read/write for QER 011b.
        static let readStatus2Alt: UInt8 = 0x3F
        static let writeStatus2Alt: UInt8 = 0x3E
        static let enter4ByteMode: UInt8 = 0xB7
        static let chipErase: UInt8 = 0xC7
    }

    enum Status {
        static let wip: UInt8 = 1 << 0
        static let wel: UInt8 = 1 << 1
    }

    /// Limits with margin over the parts' maxima (page ≤ 3 ms, 4 KiB ≤ 0.4 s, 64 KiB ≤ 2 s,
    /// 512 Mbit chip ≤ ~10 min on the slowest parts served).
    enum Timeout {
        static let pageProgramMs: UInt32 = 10
        static let chipEraseMs: UInt32 = 1_000_000
        static let writeStatusMs: UInt32 = 1_000
        /// tRST is tens of µs; waiting 1 ms costs nothing.
        static let resetRecoveryUs: UInt32 = 1_000
        /// WIP after the reset: covers a block erase that the reset did not stop.
        static let afterResetMs: UInt32 = 3_000

        /// An erase of 2^shift bytes: 1 s for 4 KiB, 50 ms per KiB above (3.2 s for 64 KiB).
        static func eraseMs(shift: UInt32) -> UInt32 {
            let kib = (UInt32(1) << shift) >> 10
            return kib <= 20 ? 1_000 : kib &* 50
        }
    }
}
