/// Reads of one device register that kept returning the same value: what a wait loop
/// looks like on the bus.
public struct PollRun: Sendable, Equatable {
    public var address: UInt32
    /// Reads in a row (other registers may be read in between, e.g. a HAL_GetTick timeout)
    /// that all returned `value`.
    public var reads: UInt64
    public var value: UInt32
    /// The instruction of the last such read.
    public var pc: UInt32
}

/// Per call: for each device address read, how many reads in a row returned the same
/// value. A change of value starts the count again, so a flag that did rise leaves a short
/// run and the register a loop gave up on (or still waits for) the longest.
struct PollWatch {
    private var runs: [UInt32: PollRun] = [:]

    mutating func read(address: UInt32, value: UInt32, pc: UInt32) {
        if let old = runs[address], old.value == value {
            runs[address] = PollRun(address: address, reads: old.reads + 1, value: value, pc: pc)
        } else {
            runs[address] = PollRun(address: address, reads: 1, value: value, pc: pc)
        }
    }

    mutating func reset() { runs.removeAll(keepingCapacity: true) }

    /// Runs of at least `minimum` reads, longest first.
    func longest(minimum: UInt64) -> [PollRun] {
        runs.values.filter { $0.reads >= minimum }.sorted { $0.reads != $1.reads ? $0.reads > $1.reads : $0.address < $1.address }
    }
}
