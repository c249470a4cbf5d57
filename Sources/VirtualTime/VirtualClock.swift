/// The one clock of a simulated board.
///
/// ```
///   Machine ──advance(cycles:)──►┐
///   OCTOSPI ──advance(by:)──────►├──► VirtualClock.now ◄── NORFlash busy ends, SysTick VAL,
///   a poll that waits ─advance(to:)┘                        RCC ready flags read it
/// ```
/// The machine owns it and hands the same instance to every peripheral model. Waiting
/// costs no host time: a model that sees software poll a flag that will change at a known
/// instant moves the clock there (`advance(to:)`).
///
/// It is a class because every model on the board must see the same instant; the whole
/// simulation runs on one thread, so it is not `Sendable`.
public final class VirtualClock {
    public private(set) var now: DeviceTime {
        get { DeviceTime(picoseconds: nowPicoseconds.pointee) }
        set { nowPicoseconds.pointee = newValue.picoseconds }
    }
    /// SYSCLK as the RCC model has configured it; the CPU's retired instructions are
    /// converted to time at this rate (one cycle per instruction).
    public var coreFrequencyHz: UInt64 {
        get { coreFrequencyStorage.pointee }
        set { coreFrequencyStorage.pointee = newValue }
    }
    /// `now` and `coreFrequencyHz`, in memory the emulator's C block hook reads and advances
    /// directly (the core's time moves on every translated block, and calling Swift for that
    /// was a tenth of a session).
    package let nowPicoseconds: UnsafeMutablePointer<UInt64>
    package let coreFrequencyStorage: UnsafeMutablePointer<UInt64>
    /// The address of the instruction that caused the current bus access, when known.
    /// Models copy it into the events they record so a report can name the code.
    public var currentPC: UInt32 = 0

    public init(coreFrequencyHz: UInt64 = 4_000_000) {
        nowPicoseconds = .allocate(capacity: 1)
        nowPicoseconds.initialize(to: 0)
        coreFrequencyStorage = .allocate(capacity: 1)
        coreFrequencyStorage.initialize(to: coreFrequencyHz)
    }

    deinit {
        nowPicoseconds.deallocate()
        coreFrequencyStorage.deallocate()
    }

    public func advance(by span: DeviceTime) { now = now + span }

    public func advance(cycles: UInt64) {
        now = now + DeviceTime.cycles(cycles, atHertz: coreFrequencyHz)
    }

    /// Moves to `instant` if it lies ahead; the clock never runs backwards.
    public func advance(to instant: DeviceTime) {
        if instant > now { now = instant }
    }
}

/// One thing a model saw, stamped with when it happened and the code that caused it.
public struct Timestamped<Event>: CustomStringConvertible {
    public let time: DeviceTime
    public let pc: UInt32
    public let event: Event

    public init(time: DeviceTime, pc: UInt32, event: Event) {
        self.time = time
        self.pc = pc
        self.event = event
    }

    public var description: String { "[\(time)] pc=0x\(String(pc, radix: 16)) \(event)" }
}

extension Timestamped: Sendable where Event: Sendable {}
