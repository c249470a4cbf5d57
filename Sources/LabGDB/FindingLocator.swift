import CortexM
import Foundation
import Programmer
import VirtualTime

/// Where `--stop-at-finding CODE` halts: the instruction that produced the finding's first
/// evidence, found in the trace of the session's first run (the replay is the same run).
public enum FindingStop: Sendable, Equatable {
    /// The `occurrence`-th execution of `pc` in call `call` (counted by a second replay).
    case instruction(call: Int, pc: UInt32, time: DeviceTime)
    /// The finding is a fault: the replay halts on it with its signal.
    case fault(call: Int)
    /// No single instruction: the entry of the call the finding is about.
    case entry(call: Int)
}

public struct FindingLocation: Sendable, Equatable {
    public var finding: SessionFinding
    public var stop: FindingStop
    /// What the debugger's console shows when the replay halts there.
    public var console: [String]
}

public enum FindingLocatorError: Error, CustomStringConvertible {
    case noSuchFinding(code: String, present: [String])
    case noCall(code: String)

    public var description: String {
        switch self {
        case let .noSuchFinding(code, present):
            "the session has no finding '\(code)'" + (present.isEmpty ? " (it has none: it programs and verifies)" : "; it has: \(present.joined(separator: ", "))")
        case .noCall(let code):
            "finding '\(code)' names no loader call and no instruction to stop at"
        }
    }
}

public enum FindingLocator {
    /// `[13.737 s] pc=0x20000A3C (Write+0x1c) in Write#1: …` as `DiagnosisContext.evidence` writes it.
    static func parse(_ evidence: String) -> (time: String, pc: UInt32, call: String?)? {
        guard evidence.hasPrefix("["), let close = evidence.firstIndex(of: "]") else { return nil }
        let time = String(evidence[evidence.index(after: evidence.startIndex)..<close])
        let rest = evidence[evidence.index(after: close)...]
        guard let pcRange = rest.range(of: " pc=0x") else { return nil }
        let digits = rest[pcRange.upperBound...].prefix(8)
        guard digits.count == 8, let pc = UInt32(digits, radix: 16) else { return nil }
        var call: String?
        if let colon = rest.range(of: ": "), let inRange = rest[..<colon.lowerBound].range(of: " in ", options: .backwards) {
            call = String(rest[inRange.upperBound..<colon.lowerBound])
        }
        return (time, pc, call)
    }

    public static func locate(code: String, report: SessionReport, trace: [TraceEntry]) throws(FindingLocatorError) -> FindingLocation {
        guard let finding = report.findings.first(where: { $0.code == code }) else {
            throw .noSuchFinding(code: code, present: report.findings.map(\.code))
        }
        let header = "LoaderLab: finding [\(finding.code)]\(finding.call.map { " in \($0)" } ?? ""): \(finding.message)"
        for line in finding.evidence {
            guard let (time, pc, label) = parse(line) else { continue }
            let callIndex = label.flatMap { l in report.calls.firstIndex { $0.name == l } }
            let entry = trace.first { e in
                e.pc == pc && e.time.description == time && (callIndex == nil || e.call == callIndex)
            }
            guard let entry, let call = entry.call else { continue }
            let console = [header, "LoaderLab: halted at the instruction that produced the first evidence:", "  \(line)"]
            return FindingLocation(finding: finding, stop: .instruction(call: call, pc: pc, time: entry.time), console: console)
        }
        guard let label = finding.call ?? report.failure?.call, let call = report.calls.firstIndex(where: { $0.name == label }) else {
            throw .noCall(code: code)
        }
        let evidence = finding.evidence.prefix(3).map { "  \($0)" }
        if report.calls[call].outcome == "faulted" {
            return FindingLocation(finding: finding, stop: .fault(call: call), console: [header] + evidence)
        }
        return FindingLocation(finding: finding, stop: .entry(call: call),
                               console: [header, "LoaderLab: no single instruction is to blame; halted at the entry of \(label)"] + evidence)
    }
}

/// A replay that counts how often an instruction ran in one call up to an instant: the
/// evidence's instruction is the last execution that started no later than the event.
public final class ExecutionCounter: SessionDebugger {
    let call: Int
    let pc: UInt32
    let until: DeviceTime
    var machine: CortexM.Machine?
    public private(set) var count = 0

    public init(call: Int, pc: UInt32, until: DeviceTime) {
        self.call = call
        self.pc = pc
        self.until = until
    }

    public func sessionBoardReady(_ board: SimulatedBoard, view: SessionView) {
        guard (try? board.machine.enableDebugging()) != nil else { return }
        machine = board.machine
    }

    public func sessionCallWillStart(_ call: SessionCall) {
        if call.index == self.call { machine?.countExecutions(of: pc, until: until) }
    }

    public func sessionCallEnded(_ call: SessionCall, outcome: CortexM.CallOutcome) {
        if call.index == self.call { count = machine?.takeExecutionCount() ?? 0 }
    }
}
