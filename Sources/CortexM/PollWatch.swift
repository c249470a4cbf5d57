import CBusWindow

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
    /// A handful of registers at most are polled in one loop: a short array searched from
    /// the most recent entry is cheaper on this per-read path than hashing.
    private var runs: [PollRun] = []
    private static let capacity = 16

    /// Device accesses in a row, up to the last, that were reads of `streakAddress` returning
    /// one value (a write or another read starts it again): a loop doing nothing but wait.
    private(set) var streak: UInt64 = 0
    private(set) var streakAddress: UInt32 = 0
    private var streakValue: UInt32 = 0

    mutating func read(address: UInt32, value: UInt32, pc: UInt32) {
        if address == streakAddress, value == streakValue {
            streak &+= 1
        } else {
            streakAddress = address
            streakValue = value
            streak = 1
        }
        if let i = runs.lastIndex(where: { $0.address == address }) {
            if runs[i].value == value {
                runs[i].reads += 1
                runs[i].pc = pc
            } else {
                runs[i] = PollRun(address: address, reads: 1, value: value, pc: pc)
            }
            return
        }
        if runs.count == Self.capacity, let shortest = runs.indices.min(by: { runs[$0].reads < runs[$1].reads }) {
            runs.remove(at: shortest)
        }
        runs.append(PollRun(address: address, reads: 1, value: value, pc: pc))
    }

    mutating func noteWrite() { streak = 0 }

    func hasRun(at address: UInt32) -> Bool { runs.contains { $0.address == address } }

    /// Reads the window answered at `address`, whose run exists: the run keeps counting if
    /// they all returned its value, else it is the last value's run.
    mutating func add(_ tally: loaderlab_poll_tally, at address: UInt32) {
        guard tally.count > 0, let i = runs.lastIndex(where: { $0.address == address }) else { return }
        if tally.tailRun == tally.count, runs[i].value == tally.tailValue {
            runs[i].reads &+= tally.count
            runs[i].pc = tally.lastPC
        } else {
            runs[i] = PollRun(address: address, reads: tally.tailRun, value: tally.tailValue, pc: tally.lastPC)
        }
    }

    /// The streak as a bus window carries it through the accesses it answers.
    var streakState: (count: UInt64, address: UInt32, value: UInt32) {
        get { (streak, streakAddress, streakValue) }
        set { (streak, streakAddress, streakValue) = newValue }
    }

    mutating func reset() {
        runs.removeAll(keepingCapacity: true)
        streak = 0
    }

    /// Runs of at least `minimum` reads, longest first.
    func longest(minimum: UInt64) -> [PollRun] {
        runs.filter { $0.reads >= minimum }.sorted { $0.reads != $1.reads ? $0.reads > $1.reads : $0.address < $1.address }
    }
}
