/// Which `PT_LOAD` segments overlap in memory, counted in O(n log n) and grouped by kind:
/// code with code (an error), anything with the StorageInfo segment (a warning). A header
/// table may repeat one segment 65,535 times, so pairs are counted, never listed.
struct SegmentOverlaps {
    struct Group {
        var involvesInfo: Bool
        var count: Int
        /// The first few pairs, lower table index first.
        var examples: [(LoadSegment, LoadSegment)]
    }

    static let exampleLimit = 3
    private(set) var groups: [Group] = []

    init(_ segments: [LoadSegment]) {
        let sorted = segments.sorted { ($0.memoryRange.lowerBound, $0.index) < ($1.memoryRange.lowerBound, $1.index) }
        let all = Self.pairCount(sorted)
        let code = Self.pairCount(sorted.filter { !$0.isStorageInfoSegment })
        var codeExamples: [(LoadSegment, LoadSegment)] = []
        var infoExamples: [(LoadSegment, LoadSegment)] = []
        // The earlier segment (by start) reaching furthest, per kind: if it does not reach
        // `b`'s start, no earlier segment of that kind does.
        var furthestCode: LoadSegment?
        var furthestInfo: LoadSegment?
        func reaches(_ a: LoadSegment?, _ b: LoadSegment) -> LoadSegment? {
            guard let a, a.memoryRange.upperBound > b.memoryRange.lowerBound else { return nil }
            return a
        }
        func ordered(_ a: LoadSegment, _ b: LoadSegment) -> (LoadSegment, LoadSegment) { a.index <= b.index ? (a, b) : (b, a) }
        for b in sorted {
            if b.isStorageInfoSegment {
                if infoExamples.count < Self.exampleLimit, let a = reaches(furthestCode, b) ?? reaches(furthestInfo, b) {
                    infoExamples.append(ordered(a, b))
                }
            } else {
                if codeExamples.count < Self.exampleLimit, let a = reaches(furthestCode, b) { codeExamples.append(ordered(a, b)) }
                if infoExamples.count < Self.exampleLimit, let a = reaches(furthestInfo, b) { infoExamples.append(ordered(a, b)) }
            }
            if b.isStorageInfoSegment {
                if furthestInfo.map({ $0.memoryRange.upperBound < b.memoryRange.upperBound }) ?? true { furthestInfo = b }
            } else if furthestCode.map({ $0.memoryRange.upperBound < b.memoryRange.upperBound }) ?? true {
                furthestCode = b
            }
        }
        if code > 0, !codeExamples.isEmpty { groups.append(Group(involvesInfo: false, count: code, examples: codeExamples)) }
        if all - code > 0, !infoExamples.isEmpty { groups.append(Group(involvesInfo: true, count: all - code, examples: infoExamples)) }
    }

    /// Pairs (a, b) with a before b in start order and a's end past b's start: a Fenwick tree
    /// over the ends seen so far counts those that do not reach.
    private static func pairCount(_ sorted: [LoadSegment]) -> Int {
        let ends = Array(Set(sorted.map(\.memoryRange.upperBound))).sorted()
        var tree = [Int](repeating: 0, count: ends.count + 1)
        var total = 0
        for (seen, segment) in sorted.enumerated() {
            // Ends at or before this start: the number of ends ≤ start, by binary search.
            var low = 0, high = ends.count
            while low < high {
                let mid = (low + high) / 2
                if ends[mid] <= segment.memoryRange.lowerBound { low = mid + 1 } else { high = mid }
            }
            var notReaching = 0
            var i = low
            while i > 0 {
                notReaching += tree[i]
                i -= i & -i
            }
            total += seen - notReaching
            // Insert this segment's end.
            low = 0
            high = ends.count
            while low < high {
                let mid = (low + high) / 2
                if ends[mid] < segment.memoryRange.upperBound { low = mid + 1 } else { high = mid }
            }
            i = low + 1
            while i < tree.count {
                tree[i] += 1
                i += i & -i
            }
        }
        return total
    }
}
