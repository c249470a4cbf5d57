import CortexM
import Foundation
import GDBServer
import Programmer
import VirtualTime

/// Where the debugger is told the core stopped on its own, besides breakpoints,
/// watchpoints, steps and faults.
public enum CallStops: String, Sendable, CaseIterable {
    /// The entry of every loader call (Init, SectorErase, Write#n, …).
    case calls
    /// The entry of the first call only: the session waits there for the debugger.
    case first
    /// Nowhere: the session does not wait; a debugger that connects later stops it where it is.
    case none
}

/// Where the session should halt on its own (`--stop-at-finding`), in the call numbered
/// `call`, and what to print on the debugger's console there.
public struct HaltTarget: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The `occurrence`-th execution of `pc` in the call.
        case instruction(pc: UInt32, occurrence: Int)
        case entry
        /// The call faults: its fault stop carries the console lines.
        case fault
    }
    public var call: Int
    public var kind: Kind
    public var console: [String]

    public init(call: Int, kind: Kind, console: [String]) {
        self.call = call
        self.kind = kind
        self.console = console
    }
}

/// Serves GDB for one run of a session: follows the session's calls, halts the machine
/// where the debugger or the options say, and hands each halt to a `GDBStub`.
///
/// ```
///   ProgrammerSession ──SessionDebugger──► GDBSessionDebugger ──MachineDebugDelegate──► Machine hooks
///                                               │ halted(…) blocks the session's thread
///                                               ▼
///                                  GDBStub ◄── RSPLink ◄── GDBListener (SwiftNIO) ◄── gdb
/// ```
public final class GDBSessionDebugger: SessionDebugger, MachineDebugDelegate {
    let listener: GDBListener
    let stops: CallStops
    let findings: [SessionFinding]?
    let target: HaltTarget?
    /// Seconds the session waits for a debugger before its first call (then runs without one).
    let connectTimeout: Double
    let diagnostic: @Sendable (String) -> Void
    var stub: GDBStub?
    var boardTarget: BoardDebugTarget?
    var monitor: MonitorCommands?
    var machine: Machine?
    var currentCall: SessionCall?
    var pendingConsole: [String] = []
    var justAttached = false
    var finished = false
    /// Whether the debugger ever attached (for the caller's summary).
    public private(set) var attached = false
    public private(set) var halts = 0

    public init(listener: GDBListener, stops: CallStops, findings: [SessionFinding]?, target: HaltTarget?,
                connectTimeout: Double, diagnostic: @escaping @Sendable (String) -> Void) {
        self.listener = listener
        self.stops = stops
        self.findings = findings
        self.target = target
        self.connectTimeout = connectTimeout
        self.diagnostic = diagnostic
    }

    // MARK: SessionDebugger

    public func sessionBoardReady(_ board: SimulatedBoard, view: SessionView) {
        do {
            try board.machine.enableDebugging()
        } catch {
            diagnostic("gdb server: cannot enable debugging on the machine: \(error); the session runs without a debugger")
            return
        }
        machine = board.machine
        let monitor = MonitorCommands(board: board, view: view, findings: findings)
        self.monitor = monitor
        boardTarget = BoardDebugTarget(board: board, monitor: monitor)
        board.machine.debugDelegate = self
        guard stops != .none else { return }
        diagnostic("gdb server: waiting for a debugger on \(listener.host):\(listener.port) (up to \(Int(connectTimeout)) s)")
        if let link = listener.nextConnection(timeout: connectTimeout) {
            adopt(link)
            board.machine.haltAtNextInstruction()
        } else {
            diagnostic("gdb server: no debugger connected in \(Int(connectTimeout)) s; the session runs without one")
        }
    }

    public func sessionCallWillStart(_ call: SessionCall) {
        currentCall = call
        monitor?.currentCall = call
        monitor?.fault = nil
        boardTarget?.faultPC = nil
        guard let machine else { return }
        let arguments = call.arguments.map { "0x" + String($0, radix: 16) }.joined(separator: ", ")
        if stops == .calls, stub?.isAttached == true {
            machine.haltAtNextInstruction()
            pendingConsole.append("LoaderLab: entry of \(call.label)(\(arguments)) [\(call.operation)]")
        }
        if let target, target.call == call.index {
            switch target.kind {
            case let .instruction(pc, occurrence): machine.haltAt(pc: pc, occurrence: occurrence)
            case .entry:
                machine.haltAtNextInstruction()
                pendingConsole += target.console
            case .fault: break
            }
        }
    }

    public func sessionCallEnded(_ call: SessionCall, outcome: CallOutcome) {
        guard let machine else { return }
        machine.haltAt(pc: 0, occurrence: nil)
        guard let stub, stub.isAttached else { return }
        var signal: Signal?
        var pc: UInt32?
        switch outcome {
        case .faulted(let fault):
            pc = fault.pc
            switch fault.kind {
            case .unmappedAccess: signal = .segv
            case .busError, .unalignedAccess: signal = .bus
            case .undefinedInstruction, .coprocessorDenied, .invalidState: signal = .ill
            case .breakpoint: signal = .trap
            case .supervisorCall, .hardFault: signal = .segv
            }
        case .exceptionTaken(let entry):
            // Not a fault: an exception the silicon would take here.
            pc = entry.pc
            signal = .trap
        case .budgetExhausted, .deviceTimeExceeded, .hostTimeExceeded:
            signal = .xcpu
        case .returned, .resetRequested:
            break
        }
        guard let signal else { return }
        monitor?.fault = outcome
        if let pc {
            boardTarget?.faultPC = pc
            machine.writeRegister(.pc, pc | 1)
        }
        var console = ["LoaderLab: \(call.label) stopped: \(outcome)", "LoaderLab: `monitor findings` for the fault status"]
        if let target, target.call == call.index, target.kind == .fault { console += target.console }
        resume(after: stub.halted(.fault(signal: signal), console: pendingConsole + console), machine: machine)
        pendingConsole = []
    }

    /// The session is over: the debugger sees the process exit (0 programmed and verified, 1 failed).
    public func sessionFinished(_ report: SessionReport) {
        guard !finished else { return }
        finished = true
        machine?.detachDebugger()
        guard let stub, stub.isAttached else { return }
        var lines = ["LoaderLab: session \(report.succeeded ? "programmed and verified" : "FAILED")"]
        for f in report.findings.prefix(5) { lines.append("LoaderLab: [\(f.code)] \(f.message)") }
        stub.sessionEnded(exitCode: report.succeeded ? 0 : 1, console: lines)
    }

    // MARK: MachineDebugDelegate

    public func machine(_ machine: Machine, haltedAt pc: UInt32, because reason: MachineHalt) -> DebugResume {
        guard let stub, stub.isAttached else { return .detach }
        halts += 1
        var stop: StopReason
        switch reason {
        case .breakpoint(let hardware): stop = .breakpoint(hardware ? .hardware : .software)
        case .step: stop = .step
        case .watchpoint(let kind, let address):
            stop = .watchpoint(kind == .write ? .write : (kind == .read ? .read : .access), address: address)
        case .interrupted: stop = .interrupted
        case .requested: stop = .requested
        }
        if justAttached {
            justAttached = false
            stop = .attached
        }
        var console = pendingConsole
        pendingConsole = []
        if let target, currentCall?.index == target.call, case .instruction(let targetPC, _) = target.kind, pc == targetPC, reason == .requested {
            console += target.console
        }
        let action = stub.halted(stop, console: console)
        return resume(after: action, machine: machine)
    }

    public func interruptRequested() -> Bool {
        if let stub, stub.isAttached { return stub.pollInterrupt() }
        // Not attached (or gone): a debugger that connects now stops the core where it is.
        guard !finished, let link = listener.nextConnection(timeout: 0) else { return false }
        adopt(link)
        return true
    }

    // MARK: helpers

    private func adopt(_ link: any RSPLink) {
        guard let boardTarget else { return }
        let diagnostic = self.diagnostic
        stub = GDBStub(target: boardTarget, link: link, diagnostic: { diagnostic($0) })
        attached = true
        justAttached = true
    }

    @discardableResult
    private func resume(after action: GDBStub.ResumeAction, machine: Machine) -> DebugResume {
        switch action {
        case .continueRunning:
            return .run
        case .step:
            // From inside a hook the machine steps itself; from a stop outside one (a
            // fault), the next instruction anywhere halts.
            machine.haltAtNextInstruction()
            return .step
        case .detach(let why):
            diagnostic("gdb server: \(why); the session runs on without a debugger")
        case .kill:
            diagnostic("gdb server: the debugger ended the connection (kill); the session runs on to its report")
        }
        // Every stop point goes; the delegate stays, so that another debugger may attach.
        machine.detachDebugger()
        machine.debugDelegate = self
        return .run
    }
}
