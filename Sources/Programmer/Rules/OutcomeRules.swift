import VirtualTime
import CortexM
import Foundation

extension SessionRun.CallRecord {
    var isStuck: Bool {
        switch outcome {
        case .budgetExhausted, .deviceTimeExceeded, .hostTimeExceeded: true
        default: false
        }
    }

    var hotSpots: [HotSpot] {
        switch outcome {
        case .budgetExhausted(_, let h), .deviceTimeExceeded(_, let h), .hostTimeExceeded(_, let h): h
        default: []
        }
    }
}

/// `systick-not-running`: a call spins waiting for a tick that never comes: SysTick polled
/// while disabled, or a HAL_Delay/HAL_GetTick loop whose tick only an interrupt would advance
/// (cubeprogrammer-loader.md §4 item 1).
struct SysTickNotRunningRule: DiagnosisRule {
    let code = "systick-not-running"

    func evaluate(_ context: DiagnosisContext) -> SessionFinding? {
        guard let (_, call) = context.failedCall, call.isStuck else { return nil }
        let tickSymbols = ["delay", "tick", "systick"]
        let hot = call.hotSpots.first { spot in
            spot.symbol.map { s in tickSymbols.contains { s.name.lowercased().contains($0) } } ?? false
        }
        guard call.sysTickReadsWhileDisabled > 0 || hot != nil else { return nil }
        var evidence: [String] = []
        if call.sysTickReadsWhileDisabled > 0 {
            evidence.append("SysTick CTRL/VAL read \(call.sysTickReadsWhileDisabled) times while SysTick_CTRL.ENABLE=0: COUNTFLAG never sets")
        }
        if let hot { evidence.append("spinning in \(hot)") }
        evidence += context.pollEvidence(call)
        evidence += call.hotSpots.prefix(3).map { "hot: \($0)" }
        return SessionFinding(code: code, severity: .error,
                              message: "\(call.name) waits for a SysTick tick that never comes (no SysTick running, or a tick that only the SysTick interrupt would advance, and loaders run with interrupts off): use a polled counter (DWT CYCCNT, or SysTick with COUNTFLAG polling after enabling it)",
                              call: call.name, evidence: evidence)
    }
}

/// `timeout`: a call ran past its device-time limit (or the host's guard), with where it
/// was spinning.
struct TimeoutRule: DiagnosisRule {
    let code = "timeout"

    func evaluate(_ context: DiagnosisContext) -> SessionFinding? {
        guard let (index, call) = context.failedCall, call.isStuck else { return nil }
        var evidence = context.pollEvidence(call) + call.hotSpots.prefix(3).map { "spinning at \($0)" }
        for (entry, event) in context.socEvents() where entry.call == index {
            if case .autoPollStalled = event { evidence.append(context.evidence(entry, event.message)); break }
        }
        let last = context.flashEvents().filter { $0.entry.call == index }.suffix(2)
        evidence += last.map { context.evidence($0.entry, $0.event.message) }
        let seconds = (call.endTime - call.startTime).seconds
        return SessionFinding(code: code, severity: .error,
                              message: String(format: "%@ never returned: still running after %.1f s of device time, so the programmer gives up (\"failed to download\" / \"function fail with timeout\")", call.name, seconds),
                              call: call.name, evidence: evidence)
    }
}

/// `return-value`: a result outside the 1/0 contract, or 0 after the work was done (the
/// HAL_OK = 0 habit; cubeprogrammer-loader.md §4 item 3).
struct ReturnValueRule: DiagnosisRule {
    let code = "return-value"

    func evaluate(_ context: DiagnosisContext) -> SessionFinding? {
        let run = context.run
        for call in context.calls where call.function != "Verify" {
            guard case .returned(let r0, _) = call.outcome else { continue }
            if r0 > 1 {
                return SessionFinding(code: code, severity: context.failed ? .error : .warning,
                                      message: String(format: "%@ returned 0x%08X: the contract is 1 = success, 0 = failure; the programmer takes any non-zero value as success, so real failures go unnoticed", call.name, r0),
                                      call: call.name, evidence: ["R0 = \(String(format: "0x%08X", r0))"] + context.pollEvidence(call))
            }
            if r0 == 0, call.function == "Write", call.arguments.count == 3, let flash = run.board?.flash,
               let chunk = context.session.plan.chunks.first(where: { $0.address == call.arguments[0] && $0.bytes.count == Int(call.arguments[1]) }) {
                let actual = flash.read(address: chunk.address &- context.session.layout.base, count: chunk.bytes.count)
                if actual == chunk.bytes {
                    return SessionFinding(code: code, severity: .error,
                                          message: "\(call.name) programmed its data correctly but returned 0, which the programmer reads as failure: return 1 on success (HAL_OK is 0; the loader contract is the opposite)",
                                          call: call.name,
                                          evidence: [String(format: "the %d bytes at 0x%08X are in the flash exactly as requested; R0 = 0", chunk.bytes.count, chunk.address)]
                                            + context.pollEvidence(call))
                }
            }
        }
        return nil
    }
}

/// `verify-mismatch`: the read-back differs from the image.
struct VerifyMismatchRule: DiagnosisRule {
    let code = "verify-mismatch"

    func evaluate(_ context: DiagnosisContext) -> SessionFinding? {
        guard let m = context.run.verifyMismatch else { return nil }
        var evidence = [String(format: "first difference at 0x%08X: expected 0x%02X, read 0x%02X (%d bytes differ in that chunk)", m.address, m.expected, m.actual, m.count)]
        let writes = context.calls.filter { $0.function == "Write" && $0.arguments.count == 3 &&
            $0.arguments[0] <= m.address && m.address < $0.arguments[0] &+ $0.arguments[1] }
        if let w = writes.first { evidence.append(String(format: "written by %@(0x%08X, 0x%X) which returned %@", w.name, w.arguments[0], w.arguments[1], w.result.map { String($0) } ?? "?")) }
        return SessionFinding(code: code, severity: .error,
                              message: String(format: "the flash does not hold the image after programming: first difference at 0x%08X (expected 0x%02X, read 0x%02X), although every call reported success", m.address, m.expected, m.actual),
                              call: writes.first?.name, evidence: evidence)
    }
}

/// The fallback: a call failed for a reason no rule names; report the raw outcome and the
/// last events, never "unknown error" alone.
struct CallFailedRule: DiagnosisRule {
    let code = "call-failed"

    func evaluate(_ context: DiagnosisContext) -> SessionFinding? {
        guard let (index, call) = context.failedCall else { return nil }
        if case .returned = call.outcome {} else { return nil }
        var evidence = [context.run.describe(call)] + context.pollEvidence(call)
        let events = context.trace.filter { $0.call == index }.suffix(5)
        evidence += events.map { context.evidence($0, $0.event.message) }
        return SessionFinding(code: code, severity: .error,
                              message: "\(call.name) returned 0 (failure) and no simulated hardware rule explains why: see the loader's last hardware events below",
                              call: call.name, evidence: evidence)
    }
}
