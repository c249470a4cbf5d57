import ELF
import Testing
@testable import LoaderFile

/// The grouped `segments-overlap` count agrees with counting every pair.
@Suite("Overlapping segments, counted")
struct SegmentOverlapTests {
    static func segment(_ index: Int, _ start: UInt32, _ size: UInt32, info: Bool = false) -> LoadSegment {
        LoadSegment(index: index, virtualAddress: start, physicalAddress: start, fileOffset: 0, fileSize: size, memorySize: size,
                    flags: info ? 4 : 7, bytes: [], isStorageInfoSegment: info)
    }

    @Test(arguments: 1...20)
    func theCountMatchesBruteForce(_ seed: Int) {
        var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 | 1
        func next(_ n: UInt32) -> UInt32 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return UInt32(state % UInt64(n))
        }
        let segments = (0..<40).map { i in Self.segment(i, 0x2000_0000 + next(64) * 16, 1 + next(100), info: next(8) == 0) }
        var code = 0, info = 0
        for (i, a) in segments.enumerated() {
            for b in segments[(i + 1)...] where a.memoryRange.overlaps(b.memoryRange) {
                if a.isStorageInfoSegment || b.isStorageInfoSegment { info += 1 } else { code += 1 }
            }
        }
        let groups = SegmentOverlaps(segments).groups
        #expect(groups.first { !$0.involvesInfo }?.count ?? 0 == code)
        #expect(groups.first { $0.involvesInfo }?.count ?? 0 == info)
        for group in groups {
            for (a, b) in group.examples {
                #expect(a.memoryRange.overlaps(b.memoryRange) && a.index < b.index)
                #expect((a.isStorageInfoSegment || b.isStorageInfoSegment) == group.involvesInfo)
            }
        }
    }
}
