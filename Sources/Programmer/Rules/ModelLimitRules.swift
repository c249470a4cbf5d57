import Foundation
import STM32U5

/// `lab-unmodeled`: the session failed after the loader touched a register (or a whole
/// peripheral block) the lab does not model. The lab answered as plain storage or 0 where
/// the silicon may do more, so the failure may be the lab's limit rather than the loader's
/// mistake; Diagnosis puts this finding first. It stays silent when the same loader
/// succeeds on zeroed RAM (the gap did not decide the outcome).
struct LabUnmodeledRule: DiagnosisRule {
    let code = "lab-unmodeled"

    func evaluate(_ context: DiagnosisContext) -> SessionFinding? {
        guard context.failed, context.zeroedRAMRun?.succeeded != true else { return nil }
        let end = context.failedCall?.record.endTime
        let accesses = context.socEvents().filter { item in
            guard case .unmodeledAccess = item.event else { return false }
            return end.map { item.entry.time <= $0 } ?? true
        }
        guard !accesses.isEmpty else { return nil }
        // Reads decide more than writes: name the first read if there is one.
        let lead = accesses.first { if case .unmodeledAccess(_, _, false, _) = $0.event { return true }; return false } ?? accesses[0]
        guard case .unmodeledAccess(_, let register, _, _) = lead.event else { return nil }
        var site = String(format: "pc=0x%08X", lead.entry.pc)
        if let sym = context.run.symbolName(lead.entry.pc) { site += " (\(sym))" }
        let call = context.label(lead.entry.call)
        let failed = context.failedCall?.record.name ?? "the session"
        var evidence = accesses.prefix(6).map { context.evidence($0.entry, $0.event.message) }
        if let failedCall = context.failedCall?.record { evidence += context.pollEvidence(failedCall) }
        if accesses.count > 6 { evidence.append("… and \(accesses.count - 6) more accesses outside the lab's models") }
        return SessionFinding(code: code, severity: .warning,
                              message: "\(failed) failed after the loader accessed \(register) at \(site)\(call.map { " in \($0)" } ?? ""), which the lab does not model: this verdict may be the lab's limit rather than the loader's mistake",
                              call: call, evidence: evidence)
    }
}
