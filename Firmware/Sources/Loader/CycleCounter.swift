/// Time without interrupts: the Cortex-M33 DWT cycle counter, polled.
///
/// SysTick interrupts are forbidden in a CubeProgrammer loader, so every wait in the loader
/// is a loop over a `Deadline` that reads DWT_CYCCNT. CYCCNT is 32 bits and wraps every
/// 2^32 cycles (26.8 s at 160 MHz), shorter than a chip erase (up to ~270 s), so a deadline
/// accumulates the elapsed delta of each poll in 64 bits instead of comparing timestamps.
enum CycleCounter {
    /// CoreDebug DEMCR: TRCENA (bit 24) powers the DWT and ITM units.
    static let demcr = Register(0xE000_EDFC)
    static let demcrTRCENA: UInt32 = 1 << 24
    /// DWT_CTRL: CYCCNTENA (bit 0) starts the cycle counter.
    static let dwtCtrl = Register(0xE000_1000)
    static let dwtCtrlCYCCNTENA: UInt32 = 1 << 0
    static let dwtCyccnt = Register(0xE000_1004)

    static func enable() {
        demcr.set(demcrTRCENA)
        dwtCtrl.set(dwtCtrlCYCCNTENA)
    }

    static var now: UInt32 { dwtCyccnt.value }
}

/// A time limit measured in core cycles.
///
/// Besides cycles, it also counts polls and gives up after `cycles / 4` of them: a poll
/// is a loop with at least one peripheral load, so it always costs more than 4 cycles,
/// and a counter that does not count (DWT missing or held) cannot make a wait endless.
struct Deadline {
    private var remaining: UInt64
    private var last: UInt32
    private var polls: UInt64
    private let pollLimit: UInt64

    @inline(never) init(cycles: UInt64) {
        remaining = cycles
        last = CycleCounter.now
        polls = 0
        pollLimit = cycles >> 2
    }

    init(milliseconds: UInt32) {
        self.init(cycles: Deadline.cycles(milliseconds: milliseconds))
    }

    /// Shared by every millisecond deadline (one copy of the division: the image has a budget).
    @inline(never) static func cycles(milliseconds: UInt32) -> UInt64 {
        UInt64(milliseconds) &* UInt64(LoaderState.coreClockHz / 1000)
    }

    /// True once the limit has passed. Call it once per poll.
    @inline(never) mutating func expired() -> Bool {
        let now = CycleCounter.now
        let elapsed = UInt64(now &- last)
        last = now
        if elapsed >= remaining { return true }
        remaining -= elapsed
        polls &+= 1
        return polls > pollLimit
    }
}

extension Register {
    /// The limit of a short wait: a few bytes on the bus, a command to finish (microseconds).
    static let shortWaitMs: UInt32 = 10

    /// Polls until `value & mask == expected`, false after `shortWaitMs`. The usual case
    /// (already true: FTF before each burst of a page program, BUSY before each command, TCF
    /// after it) is a leaf: with three arguments it has a free scratch register, so it saves
    /// nothing on the stack and sets up no deadline; only a real wait pays for the frame.
    @inline(never) func wait(_ mask: UInt32, equals expected: UInt32) -> Bool {
        if value & mask == expected { return true }
        return waitAfterFirstLook(mask, equals: expected, milliseconds: Register.shortWaitMs)
    }

    /// Polls until `value & mask == expected`, false after `milliseconds`.
    @inline(never) func wait(_ mask: UInt32, equals expected: UInt32, milliseconds: UInt32) -> Bool {
        if value & mask == expected { return true }
        return waitAfterFirstLook(mask, equals: expected, milliseconds: milliseconds)
    }

    /// Every wait in the loader ends in this one loop, entered after one look found the
    /// register not yet there: the deadline comes before the next look.
    @inline(never) private func waitAfterFirstLook(_ mask: UInt32, equals expected: UInt32, milliseconds: UInt32) -> Bool {
        var deadline = Deadline(milliseconds: milliseconds)
        repeat {
            if deadline.expired() { return false }
        } while value & mask != expected
        return true
    }
}

/// Busy-waits for at least `microseconds` (flash reset recovery, clock-switch settling).
func delay(microseconds: UInt32) {
    var deadline = Deadline(cycles: UInt64(microseconds) &* UInt64(LoaderState.coreClockHz / 1_000_000 + 1))
    while !deadline.expired() {}
}
