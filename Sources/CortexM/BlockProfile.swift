import CUnicorn

/// Per translated block: its shape (instruction count, FP instructions), decoded once. Blocks
/// are keyed by start address and size (Unicorn may cut a block differently after a flush).
struct BlockRecord {
    var address: UInt32
    var size: UInt32
    var instructions: UInt32
    var fpOffsets: [UInt16]
}

/// The blocks the core has run, one slot each, and how often each ran during the current call.
/// The C block hook (`loaderlab_block_hook`) finds a block in the lines this fills and counts
/// its executions itself: both live in C memory that the block state points to.
struct BlockProfile {
    private(set) var records: [BlockRecord] = []
    private var index: [UInt64: Int] = [:]
    /// The lowest and highest code addresses ever translated (for code-rewrite detection).
    private(set) var codeLow: UInt32 = .max
    private(set) var codeHigh: UInt32 = 0
    private let block: UnsafeMutablePointer<loaderlab_block_state>
    private var executionsCapacity = 1024

    private static let lineCount = Int(LOADERLAB_BLOCK_LINES)
    private static let emptyLine = loaderlab_block_line(key: .max, slot: 0, instructions: 0, hasFP: false)

    init(block: UnsafeMutablePointer<loaderlab_block_state>) {
        self.block = block
        block.pointee.lines = .allocate(capacity: Self.lineCount)
        block.pointee.lines.initialize(repeating: Self.emptyLine, count: Self.lineCount)
        block.pointee.executions = .allocate(capacity: executionsCapacity)
    }

    /// The machine's `deinit`.
    func deallocate() {
        block.pointee.lines.deallocate()
        block.pointee.executions.deallocate()
    }

    @inline(__always)
    private static func key(_ address: UInt32, _ size: UInt32) -> UInt64 { UInt64(address) << 32 | UInt64(size) }

    @inline(__always)
    private static func line(_ address: UInt32) -> Int { Int((address >> 1) & UInt32(lineCount - 1)) }

    /// Through the block hook's lines, which a miss fills: hashing the key on every block was
    /// a tenth of a session's host time.
    mutating func slot(address: UInt32, size: UInt32) -> Int? {
        let key = Self.key(address, size)
        let line = block.pointee.lines[Self.line(address)]
        if line.key == key { return Int(line.slot) }
        guard let slot = index[key] else { return nil }
        fillLine(slot)
        return slot
    }

    /// Hands the block to the C hook. A block too long for a line stays with the Swift one.
    private func fillLine(_ slot: Int) {
        let record = records[slot]
        guard record.instructions <= UInt16.max, slot <= UInt32.max else { return }
        block.pointee.lines[Self.line(record.address)] = loaderlab_block_line(
            key: Self.key(record.address, record.size), slot: UInt32(slot),
            instructions: UInt16(record.instructions), hasFP: !record.fpOffsets.isEmpty)
    }

    mutating func insert(_ record: BlockRecord) -> Int {
        let slot = records.count
        if slot == executionsCapacity {
            let grown = UnsafeMutablePointer<UInt64>.allocate(capacity: executionsCapacity * 2)
            grown.moveInitialize(from: block.pointee.executions, count: slot)
            block.pointee.executions.deallocate()
            block.pointee.executions = grown
            executionsCapacity *= 2
        }
        (block.pointee.executions + slot).initialize(to: 0)
        records.append(record)
        index[Self.key(record.address, record.size)] = slot
        codeLow = min(codeLow, record.address)
        codeHigh = max(codeHigh, record.address &+ max(record.size, 2))
        fillLine(slot)
        return slot
    }

    @inline(__always)
    func executions(_ slot: Int) -> UInt64 { block.pointee.executions[slot] }

    /// Every slot's executions, in slot order.
    var allExecutions: [UInt64] { Array(UnsafeBufferPointer(start: block.pointee.executions, count: records.count)) }

    @inline(__always)
    func countExecution(_ slot: Int) { block.pointee.executions[slot] &+= 1 }

    /// Executions of a folded wait loop's turns (`WaitLoopFold`).
    func addExecutions(_ slot: Int, _ count: UInt64) { block.pointee.executions[slot] &+= count }

    @inline(__always)
    func uncountExecution(_ slot: Int) { block.pointee.executions[slot] &-= 1 }

    func resetExecutions() {
        block.pointee.executions.update(repeating: 0, count: records.count)
    }

    mutating func removeAll() {
        records.removeAll()
        index.removeAll()
        block.pointee.lines.update(repeating: Self.emptyLine, count: Self.lineCount)
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
        zip(records, allExecutions).filter { $0.1 > 0 }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.address < $1.0.address }
            .prefix(limit)
            .map { (pc: $0.0.address, executions: $0.1) }
    }
}
