import Testing
@testable import Programmer

/// The plan mirrors CubeProgrammer's behaviour (shared/reference/cubeprogrammer-loader.md §1.4):
/// every sector the image touches is erased, and Write gets large chunks aligned to nothing.
@Suite struct ProgrammingPlanTests {
    let layout = SectorLayout(base: 0x9000_0000, regions: [.init(count: 16384, size: 0x1000)])

    @Test func erasesEverySectorTheImageTouchesAsOneRun() throws {
        let bytes = [UInt8](repeating: 0x5A, count: 0xC0000)
        let plan = try ProgrammingPlan.make(segments: [(0x9000_0000, bytes)], layout: layout, chunkSize: 0x10700, fullChipErase: false)
        #expect(plan.eraseRuns == [.init(firstIndex: 0, lastIndex: 191, start: 0x9000_0000, end: 0x900B_FFFF)])
        #expect(plan.requestedRanges == [0x9000_0000...0x900B_FFFF])
    }

    @Test func chunksAreCutFromTheSegmentWithAnUnalignedTail() throws {
        let bytes = (0..<0x25000).map { UInt8(truncatingIfNeeded: $0) }
        let plan = try ProgrammingPlan.make(segments: [(0x9000_0003, bytes)], layout: layout, chunkSize: 0x10700, fullChipErase: false)
        #expect(plan.chunks.map(\.address) == [0x9000_0003, 0x9001_0703, 0x9002_0E03])
        #expect(plan.chunks.map(\.bytes.count) == [0x10700, 0x10700, 0x25000 - 2 * 0x10700])
        #expect(plan.chunks.flatMap(\.bytes) == bytes)
        // Unaligned start and end: the first and last sectors are partial but still erased whole.
        #expect(plan.eraseRuns.first?.start == 0x9000_0000)
        #expect(plan.eraseRuns.first?.end == 0x9002_5FFF)
    }

    /// Issue 13: the plan holds views of the image, not a second copy of it.
    @Test func chunksShareTheSegmentsStorage() throws {
        let bytes = (0..<0x25000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let plan = try ProgrammingPlan.make(segments: [(0x9000_0003, bytes)], layout: layout, chunkSize: 0x10700, fullChipErase: false)
        let imageBase = bytes.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
        for (i, chunk) in plan.chunks.enumerated() {
            let chunkBase = chunk.data.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
            #expect(chunkBase == imageBase + UInt(i * 0x10700), "chunk \(i) is a copy")
            #expect(chunk.count == chunk.bytes.count)
        }
    }

    @Test func separateSegmentsGiveSeparateRuns() throws {
        let plan = try ProgrammingPlan.make(
            segments: [(0x9000_0000, [1, 2]), (0x9100_0FFF, [3, 4])], layout: layout, chunkSize: 256, fullChipErase: false)
        #expect(plan.eraseRuns.map(\.firstIndex) == [0, 4096])
        #expect(plan.eraseRuns.map(\.lastIndex) == [0, 4097])
    }

    @Test func internalFlashSegmentsAreLeftToTheProgrammer() throws {
        let plan = try ProgrammingPlan.make(
            segments: [(0x0800_0000, [1, 2, 3]), (0x9000_0000, [4])], layout: layout, chunkSize: 256, fullChipErase: false)
        #expect(plan.internalSegments.count == 1)
        #expect(plan.chunks.count == 1)
    }

    @Test func dataOutsideEveryMemoryIsRefused() {
        #expect(throws: PlanError.outsideDevice(address: 0x9400_0000, length: 1, deviceStart: 0x9000_0000, deviceSize: 0x400_0000)) {
            try ProgrammingPlan.make(segments: [(0x9400_0000, [1])], layout: layout, chunkSize: 256, fullChipErase: false)
        }
    }

    @Test func fullChipEraseRequestsTheWholeDevice() throws {
        let plan = try ProgrammingPlan.make(segments: [(0x9000_0000, [1])], layout: layout, chunkSize: 256, fullChipErase: true)
        #expect(plan.eraseRuns.isEmpty)
        #expect(plan.requestedRanges == [0x9000_0000...0x93FF_FFFF])
    }
}
