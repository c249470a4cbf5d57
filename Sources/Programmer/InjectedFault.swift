import NORFlash
import VirtualTime

/// `injected-fault`: the session ran with a chip failure injected (`--inject`), so what went
/// wrong is the flash's doing, not the loader's: this names the fault first, where it acted,
/// what the loader made of it, and whether any byte outside the requested ranges changed.
struct InjectedFaultRule: DiagnosisRule {
    let code = "injected-fault"

    func evaluate(_ context: DiagnosisContext) -> SessionFinding? {
        guard let flash = context.run.board?.flash, let fault = flash.fault else { return nil }
        var evidence: [String] = []
        if let (time, operation) = flash.faultState.triggered {
            let call = context.calls.last { $0.startTime <= time && time <= $0.endTime }
            evidence.append("acted at \(time) on \(operation)" + (call.map { " during \($0.name)" } ?? ""))
        } else {
            evidence.append("never acted: no program or erase reached the condition")
        }
        if let failed = context.failedCall {
            evidence.append("\(failed.record.name) then \(context.run.describe(failed.record)) [\(failed.record.endTime - failed.record.startTime) device]")
        }
        let outside = context.unrequestedChanges()
        evidence.append(outside.isEmpty
            ? "no flash byte outside the requested ranges changed"
            : "flash changed outside the requested ranges: " + outside.prefix(3).map { "0x\(String($0.lowerBound, radix: 16))..<0x\(String($0.upperBound, radix: 16))" }.joined(separator: ", "))
        let triggered = flash.faultState.triggered != nil
        return SessionFinding(
            code: code, severity: context.failed && triggered ? .error : .note,
            message: "the flash was made to fail: \(fault)" + (context.failed ? "; the session failure follows from it, not from the loader" : "; the session still programmed and verified"),
            call: context.failedCall?.record.name, evidence: evidence)
    }
}
