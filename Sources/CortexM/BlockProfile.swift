/// Per translated block: its shape (instruction count, FP instructions) decoded once, and
/// how often it ran during the current call. Blocks are keyed by start address and size
/// (Unicorn may cut a block differently after a flush).
struct BlockRecord {
    var address: UInt32
    var size: UInt32
    var instructions: UInt32
    var fpOffsets: [UInt16]
    var executions: UInt64
}

struct BlockProfile {
    private(set) var records: [BlockRecord] = []
    private var index: [UInt64: Int] = [:]
    /// The lowest and highest code addresses ever translated (for code-rewrite detection).
    private(set) var codeLow: UInt32 = .max
    private(set) var codeHigh: UInt32 = 0

    @inline(__always)
    static func key(_ address: UInt32, _ size: UInt32) -> UInt64 { UInt64(address) << 32 | UInt64(size) }

    /// A direct-mapped cache in front of `index`: the block hook looks a block up on every
    /// block, and hashing the key was a tenth of a session's host time.
    private static let cacheSize = 4096
    private var cacheKeys = [UInt64](repeating: .max, count: BlockProfile.cacheSize)
    private var cacheSlots = [Int](repeating: 0, count: BlockProfile.cacheSize)

    @inline(__always)
    private static func cacheLine(_ address: UInt32) -> Int { Int((address >> 1) & UInt32(cacheSize - 1)) }

    func slot(address: UInt32, size: UInt32) -> Int? { index[Self.key(address, size)] }

    /// `slot(address:size:)` through the cache.
    @inline(__always)
    mutating func cachedSlot(address: UInt32, size: UInt32) -> Int? {
        let key = Self.key(address, size)
        let line = Self.cacheLine(address)
        if cacheKeys[line] == key { return cacheSlots[line] }
        guard let slot = index[key] else { return nil }
        cacheKeys[line] = key
        cacheSlots[line] = slot
        return slot
    }

    mutating func insert(_ record: BlockRecord) -> Int {
        records.append(record)
        let slot = records.count - 1
        index[Self.key(record.address, record.size)] = slot
        codeLow = min(codeLow, record.address)
        codeHigh = max(codeHigh, record.address &+ max(record.size, 2))
        return slot
    }

    @inline(__always)
    mutating func countExecution(_ slot: Int) { records[slot].executions &+= 1 }

    /// Executions of a folded wait loop's turns (`WaitLoopFold`).
    mutating func addExecutions(_ slot: Int, _ count: UInt64) { records[slot].executions &+= count }

    @inline(__always)
    mutating func uncountExecution(_ slot: Int) { records[slot].executions &-= 1 }

    mutating func resetExecutions() {
        for i in records.indices { records[i].executions = 0 }
    }

    mutating func removeAll() {
        records.removeAll()
        index.removeAll()
        for i in cacheKeys.indices { cacheKeys[i] = .max }
        codeLow = .max
        codeHigh = 0
    }

    func touchesCode(_ address: UInt32, count: Int) -> Bool {
        guard codeLow < codeHigh, count > 0 else { return false }
        let end = UInt64(address) + UInt64(count)
        return UInt64(codeLow) < end && UInt64(address) < UInt64(codeHigh)
    }

    /// Whether any translated block holds a byte of `range`.
    func translatedBlockOverlaps(_ range: Range<UInt32>) -> Bool {
        guard touchesCode(range.lowerBound, count: range.count) else { return false }
        return records.contains { UInt64($0.address) < UInt64(range.upperBound) && range.lowerBound < $0.address &+ max($0.size, 2) }
    }

    /// The `limit` most executed blocks, most first.
    func hottest(_ limit: Int) -> [(pc: UInt32, executions: UInt64)] {
        records.filter { $0.executions > 0 }
            .sorted { $0.executions != $1.executions ? $0.executions > $1.executions : $0.address < $1.address }
            .prefix(limit)
            .map { (pc: $0.address, executions: $0.executions) }
    }
}
