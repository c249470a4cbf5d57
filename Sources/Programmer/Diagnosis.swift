import CortexM
import Foundation
import LoaderFile
import NORFlash
import STM32U5
import VirtualTime

/// Everything a rule may look at: the trace, the calls and their outcomes, the plan, the
/// flash's content history, the read-back, and a second run on zeroed RAM when there is one.
struct DiagnosisContext {
    let session: ProgrammerSession
    let run: SessionRun
    let zeroedRAMRun: SessionRun?
    /// `Init` re-run on the board's wiring with each other catalog part, when the failed
    /// `Init` had read the flash's identity (for `flash-part-mismatch`).
    let partProbes: [InitProbe]
    /// The trace split by model once, not once per rule (a full chip has millions of entries).
    private let socTrace: [(entry: TraceEntry, event: SoCEvent)]
    private let flashTrace: [(entry: TraceEntry, event: FlashEvent)]
    private let machineTrace: [(entry: TraceEntry, event: MachineEvent)]

    init(session: ProgrammerSession, run: SessionRun, zeroedRAMRun: SessionRun?, partProbes: [InitProbe] = []) {
        self.session = session
        self.run = run
        self.zeroedRAMRun = zeroedRAMRun
        self.partProbes = partProbes
        var soc: [(entry: TraceEntry, event: SoCEvent)] = []
        var flash: [(entry: TraceEntry, event: FlashEvent)] = []
        var machine: [(entry: TraceEntry, event: MachineEvent)] = []
        for entry in run.trace {
            switch entry.event {
            case .soc(let e): soc.append((entry, e))
            case .flash(let e): flash.append((entry, e))
            case .machine(let e): machine.append((entry, e))
            }
        }
        socTrace = soc
        flashTrace = flash
        machineTrace = machine
    }

    var failed: Bool { !run.succeeded }
    var calls: [SessionRun.CallRecord] { run.calls }
    var trace: [TraceEntry] { run.trace }

    /// The call that made the programmer stop, if any.
    var failedCall: (index: Int, record: SessionRun.CallRecord)? {
        guard failed, let i = run.calls.lastIndex(where: { !$0.succeeded }) else { return nil }
        return (i, run.calls[i])
    }

    func label(_ call: Int?) -> String? { call.map { run.calls[$0].name } }

    /// Severity for evidence of a mistake: an error when the session failed, else a note
    /// (the same event in a session that programmed and verified did no harm).
    var mistakeSeverity: Severity { failed ? .error : .note }

    func socEvents() -> [(entry: TraceEntry, event: SoCEvent)] { socTrace }
    func flashEvents() -> [(entry: TraceEntry, event: FlashEvent)] { flashTrace }
    func machineEvents() -> [(entry: TraceEntry, event: MachineEvent)] { machineTrace }

    /// Flash ranges that changed during the session but that nobody asked to change.
    func unrequestedChanges() -> [Range<UInt32>] {
        guard let flash = run.board?.flash else { return [] }
        let base = session.layout.base
        let requested = session.plan.requestedRanges.map { ($0.lowerBound &- base)..<($0.upperBound &- base &+ 1) }
        var outside: [Range<UInt32>] = []
        for range in flash.changedRanges(fromChange: run.flashChangeBaseline) {
            var pieces = [range]
            for r in requested {
                pieces = pieces.flatMap { p -> [Range<UInt32>] in
                    guard p.overlaps(r) else { return [p] }
                    var rest: [Range<UInt32>] = []
                    if p.lowerBound < r.lowerBound { rest.append(p.lowerBound..<r.lowerBound) }
                    if p.upperBound > r.upperBound { rest.append(r.upperBound..<p.upperBound) }
                    return rest
                }
            }
            outside += pieces
        }
        return outside
    }

    /// The call during which the flash content in `range` (device offsets) last changed.
    func callThatChanged(_ range: Range<UInt32>) -> (call: String, change: String?)? {
        guard let flash = run.board?.flash else { return nil }
        let changes = flash.changes.dropFirst(run.flashChangeBaseline)
        guard let change = changes.last(where: { $0.range.overlaps(range) }) else { return nil }
        guard let call = run.calls.last(where: { $0.startTime <= change.time && change.time <= $0.endTime }) else {
            return ("no call", change.description)
        }
        return (call.name, change.description)
    }

    func evidence(_ entry: TraceEntry, _ text: String) -> String {
        var s = "[\(entry.time)]"
        if entry.pc != 0 {
            s += String(format: " pc=0x%08X", entry.pc)
            if let sym = run.symbolName(entry.pc) { s += " (\(sym))" }
        }
        if let call = label(entry.call) { s += " in \(call)" }
        return s + ": " + text
    }
}

/// One root cause: looks at the context and names it, or says nothing.
protocol DiagnosisRule: Sendable {
    var code: String { get }
    func evaluate(_ context: DiagnosisContext) -> SessionFinding?
}

enum Diagnosis {
    /// In order of precedence: the first rule that fires names the root cause; the rest add
    /// what else went wrong. More specific causes come before their symptoms (a page that
    /// wrapped before the verify mismatch it caused; a busy flash before the timeout).
    static let rules: [any DiagnosisRule] = [
        StorageInfoRule(),
        UninitializedBSSRule(),
        FPUDisabledRule(),
        UnexpectedExceptionRule(),
        StackOverflowRule(),
        PeripheralNotModelledRule(),
        FlashPartMismatchRule(),
        PeripheralNotPresentRule(),
        ClockConfigurationOrderRule(),
        PeripheralClockRule(),
        PinsNotRoutedRule(),
        MemoryMappedActiveRule(),
        QuadNotEnabledRule(),
        WriteNotEnabledRule(),
        FlashBusyRule(),
        DummyCyclesRule(),
        PageBoundaryRule(),
        AddressWidthRule(),
        CollateralDamageRule(),
        SysTickNotRunningRule(),
        ReturnValueRule(),
        MemoryMappedNotRestoredRule(),
        VerifyMismatchRule(),
        ResetRequestedRule(),
    ]

    /// Rules that describe the raw outcome (stuck, faulted, returned 0): they speak only when
    /// no rule above has named a cause, so the same fault is not reported twice.
    static let fallbackRules: [any DiagnosisRule] = [
        TimeoutRule(),
        FaultRule(),
        CallFailedRule(),
    ]

    static func findings(in context: DiagnosisContext) -> [SessionFinding] {
        var findings: [SessionFinding] = []
        for rule in rules {
            if let f = rule.evaluate(context) { findings.append(f) }
        }
        if !findings.contains(where: { $0.severity == .error }) {
            for rule in fallbackRules {
                if let f = rule.evaluate(context) {
                    findings.append(f)
                    break
                }
            }
        }
        // The loader's static findings that are not already the root cause, after the
        // runtime ones (they explain, they rarely decide).
        let named = Set(findings.map(\.code))
        // A loader that only might take interrupts (a VTOR write, a vector table, CPSIE) did
        // no harm in a session that succeeded without the core taking an exception.
        let interruptCodes: Set<String> = ["vtor-write", "vector-table", "interrupts-enabled"]
        let exceptionTaken = context.calls.contains { if case .exceptionTaken = $0.outcome { return true }; return false }
        for lint in context.session.lintFindings where !named.contains(lint.code) {
            var severity: Severity = switch lint.severity {
            case .error: .error
            case .warning: .warning
            case .note: .note
            }
            if severity == .warning, interruptCodes.contains(lint.code), !context.failed, !exceptionTaken { severity = .note }
            findings.append(SessionFinding(code: lint.code, severity: severity, message: lint.message, call: nil,
                                           evidence: lint.address.map { [String(format: "address 0x%08X", $0)] } ?? []))
        }
        // Where the lab's own gap could explain the failure, that comes before any claim
        // about the loader.
        let gap = LabUnmodeledRule().evaluate(context).map { [$0] } ?? []
        let errors = findings.filter { $0.severity == .error }
        let rest = findings.filter { $0.severity != .error && !isWithoutEffect($0) }
        return gap + errors + rest + findings.filter(isWithoutEffect)
    }

    /// A note that an access changed nothing never leads the report.
    static func isWithoutEffect(_ f: SessionFinding) -> Bool {
        f.code == "peripheral-clock-disabled" && f.severity == .note
    }
}
