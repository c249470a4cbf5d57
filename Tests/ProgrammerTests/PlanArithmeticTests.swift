import Testing
@testable import Programmer

/// Issue 13: every value from the loader's StorageInfo goes through checked arithmetic.
@Suite("Programming plan: checked arithmetic on the loader's values")
struct PlanArithmeticTests {
    static let segment = [(address: UInt32(0x9000_0000), bytes: [UInt8](repeating: 0xA5, count: 0x100))]

    @Test func tenHugeEntriesSaturateInsteadOfTrapping() {
        let layout = SectorLayout(base: 0x9000_0000, regions: Array(repeating: .init(count: .max, size: .max), count: 10))
        #expect(layout.totalSize == .max)
        #expect(!layout.fitsAddressSpace)
        #expect(layout.sector(containing: 0x1234) != nil)
    }

    @Test(arguments: [(UInt32(0x9000_0000), UInt32(0x1_0000), UInt32(0x1_0000)), (0xFFFF_FFFF, 0x400, 0x1_0000), (0x9000_0000, .max, .max)])
    func aDevicePastFourGiBIsRefused(_ base: UInt32, _ count: UInt32, _ size: UInt32) {
        let layout = SectorLayout(base: base, regions: [.init(count: count, size: size)])
        for fullChip in [false, true] {
            #expect(throws: PlanError.deviceRangeWraps(deviceStart: base, deviceSize: layout.totalSize)) {
                _ = try ProgrammingPlan.make(segments: Self.segment, layout: layout, chunkSize: 0x10700, fullChipErase: fullChip)
            }
        }
    }

    @Test func theWholeAddressSpaceUpToItsLastByteIsAllowed() throws {
        // 0xF000_0000 + 256 MiB ends exactly at 2^32.
        let layout = SectorLayout(base: 0xF000_0000, regions: [.init(count: 0x1000, size: 0x1_0000)])
        let plan = try ProgrammingPlan.make(segments: [(0xFFFF_FF00, [UInt8](repeating: 0, count: 0x100))], layout: layout,
                                            chunkSize: 0x10700, fullChipErase: true)
        #expect(plan.requestedRanges == [0xF000_0000...0xFFFF_FFFF])
    }

    @Test func oneByteSectorsCostNoSetEntryPerByte() throws {
        // 4 MiB of one-byte sectors: one run, planned without a per-sector set.
        let layout = SectorLayout(base: 0x9000_0000, regions: [.init(count: 0x400_0000, size: 1)])
        let image = [(address: UInt32(0x9000_0000), bytes: [UInt8](repeating: 1, count: 4 << 20))]
        let plan = try ProgrammingPlan.make(segments: image, layout: layout, chunkSize: 0x10700, fullChipErase: false)
        #expect(plan.eraseRuns == [.init(firstIndex: 0, lastIndex: (4 << 20) - 1, start: 0x9000_0000, end: 0x903F_FFFF)])
    }

    @Test func runsMatchTheSectorsTouchedAcrossRegions() throws {
        // 4 × 4 KiB, then 64 KiB sectors; segments in sector 1, and across the region boundary.
        let layout = SectorLayout(base: 0x9000_0000, regions: [.init(count: 4, size: 0x1000), .init(count: 8, size: 0x1_0000)])
        let segments: [(address: UInt32, bytes: [UInt8])] = [(0x9000_3FF0, [UInt8](repeating: 0, count: 0x20)), (0x9000_1000, [0])]
        let plan = try ProgrammingPlan.make(segments: segments, layout: layout, chunkSize: 0x10700, fullChipErase: false)
        #expect(plan.eraseRuns == [
            .init(firstIndex: 1, lastIndex: 1, start: 0x9000_1000, end: 0x9000_1FFF),
            .init(firstIndex: 3, lastIndex: 4, start: 0x9000_3000, end: 0x9001_3FFF),
        ])
    }
}
