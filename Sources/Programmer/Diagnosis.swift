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
    /// The kept trace, and where each model's events lie in it: split once, not once per
    /// rule, by position (a copy of every event per model was most of a full chip's
    /// diagnosis memory).
    private let entries: [TraceEntry]
    private let socPositions: [Int32]
    private let flashPositions: [Int32]
    private let machinePositions: [Int32]

    init(session: ProgrammerSession, run: SessionRun, zeroedRAMRun: SessionRun?, partProbes: [InitProbe] = []) {
        self.session = session
        self.run = run
        self.zeroedRAMRun = zeroedRAMRun
        self.partProbes = partProbes
        let entries = run.trace.entries
        var soc: [Int32] = [], flash: [Int32] = [], machine: [Int32] = []
        for (position, entry) in entries.enumerated() {
            switch entry.event {
            case .soc: soc.append(Int32(position))
            case .flash: flash.append(Int32(position))
            case .machine: machine.append(Int32(position))
            }
        }
        self.entries = entries
        socPositions = soc
        flashPositions = flash
        machinePositions = machine
    }

    var failed: Bool { !run.succeeded }
    var calls: [SessionRun.CallRecord] { run.calls }
    /// The kept events (bounded, see `Trace`: every rare event, the first and last of each
    /// routine kind per call, the first of each command signature).
    var trace: [TraceEntry] { run.trace.entries }

    /// How many events `source` ("core", "mcu", "flash") recorded during `call`, kept or not:
    /// counting `flashEvents()` would count only what the bounded trace kept.
    func eventCount(call: Int?, source: String) -> Int { run.trace.count(call: call, source: source) }

    /// The call that made the programmer stop, if any.
    var failedCall: (index: Int, record: SessionRun.CallRecord)? {
        guard failed, let i = run.calls.lastIndex(where: { !$0.succeeded }) else { return nil }
        return (i, run.calls[i])
    }

    func label(_ call: Int?) -> String? { call.map { run.calls[$0].name } }

    /// Severity for evidence of a mistake: an error when the session failed, else a note
    /// (the same event in a session that programmed and verified did no harm).
    var mistakeSeverity: Severity { failed ? .error : .note }

    func socEvents() -> ModelEvents<SoCEvent> {
        ModelEvents(entries: entries, positions: socPositions) { if case .soc(let e) = $0 { e } else { nil } }
    }
    func flashEvents() -> ModelEvents<FlashEvent> {
        ModelEvents(entries: entries, positions: flashPositions) { if case .flash(let e) = $0 { e } else { nil } }
    }
    func machineEvents() -> ModelEvents<MachineEvent> {
        ModelEvents(entries: entries, positions: machinePositions) { if case .machine(let e) = $0 { e } else { nil } }
    }

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
    /// wrapped before the verify mismatch it caused; a busy flash before the timeout, and
    /// before the Write Enable it refused, whose program then lacks WEL).
    static let rules: [any DiagnosisRule] = [
        InjectedFaultRule(),
        StorageInfoRule(),
        UninitializedBSSRule(),
        FPUDisabledRule(),
        UnexpectedExceptionRule(),
        StackOverflowRule(),
        PeripheralNotModelledRule(),
        FlashPartMismatchRule(),
        PeripheralNotPresentRule(),
        ClockConfigurationOrderRule(),
        HSENotOnBoardRule(),
        PeripheralClockRule(),
        PinsNotRoutedRule(),
        MemoryMappedActiveRule(),
        QuadNotEnabledRule(),
        FlashModeMismatchRule(),
        FlashBusyRule(),
        WriteNotEnabledRule(),
        DummyCyclesRule(),
        PageBoundaryRule(),
        AddressWidthRule(),
        CollateralDamageRule(),
        SysTickNotRunningRule(),
        ReturnValueRule(),
        MemoryMappedNotRestoredRule(),
        FlashErrorIgnoredRule(),
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
        // runtime ones (they explain, they rarely decide), except those after which the
        // programmer refuses or misuses the loader: those decide, so they come first. A static
        // warning in a session that programmed and verified changed nothing: a note; so is one
        // the run shows did not decide the failure (`refutedByRun`).
        let named = Set(findings.map(\.code))
        var refused: [SessionFinding] = []
        for lint in context.session.lintFindings where !named.contains(lint.code) {
            let severity: Severity = switch lint.severity {
            case .error: .error
            case .warning: context.failed && !refutedByRun(lint.code, named: named, context) ? .warning : .note
            case .note: .note
            }
            let finding = SessionFinding(code: lint.code, severity: severity, message: lint.message, call: nil,
                                         evidence: lint.address.map { [String(format: "address 0x%08X", $0)] } ?? [])
            if severity == .error, StorageInfoRule.misusedCodes.contains(lint.code) {
                refused.append(finding)
            } else {
                findings.append(finding)
            }
        }
        // Where the lab's own gap could explain the failure, that comes before any claim
        // about the loader.
        let gap = LabUnmodeledRule().evaluate(context).map { [$0] } ?? []
        let errors = findings.filter { $0.severity == .error }
        let rest = findings.filter { $0.severity != .error && !isWithoutEffect($0) }
        return refused + gap + errors + rest + findings.filter(isWithoutEffect)
    }

    /// The static signs of interrupt use (`InterruptRules`) predict a failure of one kind: a
    /// call that takes an exception, or one that waits for a tick only an interrupt would
    /// advance. When the failing call did neither, the interrupt setup did not decide the
    /// outcome, so the heuristic stays a note: ST's CMSIS SystemInit for the U5 writes
    /// SCB->VTOR unconditionally (system_stm32u5xx.c), and loaders that call it, ST's
    /// MX25LM51245G loader among them, program real boards.
    static let interruptLintCodes: Set<String> = ["interrupts-enabled", "vtor-write", "vector-table"]

    static func refutedByRun(_ code: String, named: Set<String>, _ context: DiagnosisContext) -> Bool {
        guard interruptLintCodes.contains(code), let (_, call) = context.failedCall else { return false }
        if case .exceptionTaken = call.outcome { return false }
        return !named.contains("systick-not-running") && !named.contains("unexpected-exception")
    }

    /// A note that an access changed nothing never leads the report.
    static func isWithoutEffect(_ f: SessionFinding) -> Bool {
        f.code == "peripheral-clock-disabled" && f.severity == .note
    }
}

/// One model's events of the kept trace, in time order, read in place.
struct ModelEvents<Event>: RandomAccessCollection {
    let entries: [TraceEntry]
    let positions: [Int32]
    let event: (HardwareEvent) -> Event?

    var startIndex: Int { 0 }
    var endIndex: Int { positions.count }

    subscript(index: Int) -> (entry: TraceEntry, event: Event) {
        let entry = entries[Int(positions[index])]
        // The positions were taken by this very case: the event is always there.
        return (entry, event(entry.event)!)
    }
}
