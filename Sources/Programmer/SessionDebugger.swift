import CortexM
import VirtualTime

/// One loader call as a debugger sees it start and end.
public struct SessionCall: Sendable, Equatable {
    /// Index in the session's calls (the same numbering as the trace's `call`).
    public var index: Int
    /// "Init", "SectorErase", "Write#3"
    public var label: String
    public var function: String
    /// "erase", "program", "verify"
    public var operation: String
    public var arguments: [UInt32]
    public var entry: UInt32
}

/// Follows one run of a session from inside (a GDB server): told when the board is built
/// and when each loader call starts and ends, on the session's own thread. Only the
/// session's primary run is followed, never the diagnosis's second run on zeroed RAM.
/// Whatever it does while the core is halted must leave the session's outcome unchanged.
public protocol SessionDebugger: AnyObject {
    func sessionBoardReady(_ board: SimulatedBoard, view: SessionView)
    func sessionCallWillStart(_ call: SessionCall)
    func sessionCallEnded(_ call: SessionCall, outcome: CallOutcome)
}

/// Read-only questions about the run in progress, for monitor commands.
public final class SessionView {
    private weak var run: SessionRun?

    init(run: SessionRun) { self.run = run }

    /// The last `count` hardware events so far, including the call in progress.
    public func recentTrace(_ count: Int) -> [TraceEntry] {
        guard count > 0 else { return [] }
        guard let run else { return [] }
        var current: [TraceEntry] = []
        if let board = run.board {
            let call = run.calls.count
            current += board.machine.events.map { TraceEntry(time: $0.time, pc: $0.pc, call: call, event: .machine($0.event)) }
            current += board.soc.log.events.map { TraceEntry(time: $0.time, pc: $0.pc, call: call, event: .soc($0.event)) }
            current += board.flash.events.map { TraceEntry(time: $0.time, pc: $0.pc, call: call, event: .flash($0.event)) }
            current.sort { $0.time < $1.time }
        }
        let fromCurrent = Array(current.suffix(count))
        let earlier = Array(run.trace.entries.suffix(count - fromCurrent.count))
        return earlier + fromCurrent
    }

    /// The calls made so far: label, outcome, device time.
    public var callsSoFar: [(label: String, outcome: CallOutcome, start: DeviceTime, end: DeviceTime)] {
        run?.calls.map { ($0.name, $0.outcome, $0.startTime, $0.endTime) } ?? []
    }

    /// When the call in progress started (device time).
    public internal(set) var callStart: DeviceTime?

    /// The call label for a trace index.
    public func label(ofCall index: Int?) -> String? {
        guard let index, let run else { return nil }
        return index < run.calls.count ? run.calls[index].name : nil
    }
}
