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
        guard call.sysTickReadsWhileDisabled > 0 || call.cycleCounterReadsWhileStopped > 0 || hot != nil else { return nil }
        var evidence: [String] = []
        if call.sysTickReadsWhileDisabled > 0 {
            evidence.append("SysTick CTRL/VAL read \(call.sysTickReadsWhileDisabled) times while SysTick_CTRL.ENABLE=0: COUNTFLAG never sets")
        }
        if call.cycleCounterReadsWhileStopped > 0 {
            evidence.append("DWT CYCCNT read \(call.cycleCounterReadsWhileStopped) times while it was stopped (DEMCR.TRCENA and DWT_CTRL.CYCCNTENA must both be 1): it never advances")
        }
        for (entry, event) in context.machineEvents() {
            if case .sysTickEnabled(true, _, _) = event {
                evidence.append(context.evidence(entry, event.message + "; with interrupts masked (PRIMASK) or no handler, a tick counted by SysTick_Handler never advances"))
                break
            }
        }
        if let hot { evidence.append("spinning in \(hot)") }
        evidence += context.pollEvidence(call)
        evidence += call.hotSpots.prefix(3).map { "hot: \($0)" }
        return SessionFinding(code: code, severity: .error,
                              message: "\(call.name) waits for a tick that never comes (SysTick not running, a HAL tick that only the SysTick interrupt would advance while loaders run with interrupts off, or a DWT cycle counter never started): use a polled counter (SysTick COUNTFLAG after enabling it, or DWT CYCCNT after setting TRCENA and CYCCNTENA)",
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
        // Only the device-time limit is the programmer's. The instruction budget and the host
        // guard are the lab's: they stop a call before that limit, so the lab must not claim
        // the programmer gave up (a loader that polls the flash in software can need more
        // instructions than the budget within the programmer's time).
        let labLimit: String? = switch call.outcome {
        case .budgetExhausted(let n, _): "its budget of \(n) instructions per call"
        case .hostTimeExceeded(let s, _): String(format: "its host-time guard of %.0f s per call", s)
        default: nil
        }
        let message = labLimit.map { limit in
            String(format: "%@ was still running when the lab stopped it (%@) after %.1f s of device time, before the programmer's own limit for this call: either it never returns (the programmer then gives up: \"failed to download\" / \"function fail with timeout\") or it needs longer than the lab allows", call.name, limit, seconds)
        } ?? String(format: "%@ never returned: still running after %.1f s of device time, so the programmer gives up (\"failed to download\" / \"function fail with timeout\")", call.name, seconds)
        return SessionFinding(code: code, severity: .error, message: message, call: call.name, evidence: evidence)
    }
}

/// `return-value`: a result outside the 1/0 contract, or 0 after the work was done (the
/// HAL_OK = 0 habit; cubeprogrammer-loader.md §4 item 3), for every entry point the programmer
/// calls: Write and SectorErase (proved by the flash content), Verify (64-bit: R0 is 0 or the
/// first failing address, R1 the checksum).
struct ReturnValueRule: DiagnosisRule {
    let code = "return-value"

    func evaluate(_ context: DiagnosisContext) -> SessionFinding? {
        let run = context.run
        let base = context.session.layout.base
        for call in context.calls {
            guard case .returned(let r0, _) = call.outcome else { continue }
            if call.function == "Verify" {
                if let f = verifyConvention(context, call: call, r0: r0) { return f }
                continue
            }
            if r0 > 1 {
                // The programmer takes any non-zero value as success: an odd value changes
                // nothing by itself, so it is never the error that stopped a session.
                return SessionFinding(code: code, severity: context.failed ? .warning : .note,
                                      message: String(format: "%@ returned 0x%08X: the contract is 1 = success, 0 = failure; the programmer takes any non-zero value as success, so real failures go unnoticed", call.name, r0),
                                      call: call.name, evidence: ["R0 = \(String(format: "0x%08X", r0))"] + context.pollEvidence(call))
            }
            guard r0 == 0, let flash = run.board?.flash else { continue }
            if call.function == "Write", call.arguments.count == 3,
               let chunk = context.session.plan.chunks.first(where: { $0.address == call.arguments[0] && $0.count == Int(call.arguments[1]) }),
               chunk.data.elementsEqual(flash.read(address: chunk.address &- base, count: chunk.count)) {
                return SessionFinding(code: code, severity: .error,
                                      message: "\(call.name) programmed its data correctly but returned 0, which the programmer reads as failure: return 1 on success (HAL_OK is 0; the loader contract is the opposite)",
                                      call: call.name,
                                      evidence: [String(format: "the %d bytes at 0x%08X are in the flash exactly as requested; R0 = 0", chunk.count, chunk.address)] + context.pollEvidence(call))
            }
            if call.function == "SectorErase", call.arguments.count == 2, call.arguments[1] >= call.arguments[0],
               call.arguments[0] >= base,
               let first = context.session.layout.sector(containing: UInt64(call.arguments[0] &- base)),
               let last = context.session.layout.sector(containing: UInt64(call.arguments[1] &- base)) {
                let start = UInt32(first.start), end = UInt32(last.start + last.size)
                let erased = flash.read(address: start, count: Int(end - start)).allSatisfy { $0 == 0xFF }
                if erased {
                    return SessionFinding(code: code, severity: .error,
                                          message: "\(call.name) erased its sectors but returned 0, which the programmer reads as failure: return 1 on success (HAL_OK is 0; the loader contract is the opposite)",
                                          call: call.name,
                                          evidence: [String(format: "flash 0x%08X-0x%08X is erased (all FFh) as requested; R0 = 0", base &+ start, base &+ end &- 1)] + context.pollEvidence(call))
                }
            }
        }
        return nil
    }

    /// Verify returns R0 = 0 when the memory matches, else the first failing address; R1 the
    /// checksum. A value that is no address of the verified range while the flash matches is
    /// the 1-for-success habit (or a 32-bit return).
    private func verifyConvention(_ context: DiagnosisContext, call: SessionRun.CallRecord, r0: UInt32) -> SessionFinding? {
        guard r0 != 0, call.arguments.count == 4, let flash = context.run.board?.flash else { return nil }
        let start = call.arguments[0], bytes = UInt64(call.arguments[2]) * 4
        if UInt64(r0) >= UInt64(start), UInt64(r0) < UInt64(start) + bytes { return nil }
        guard let chunk = context.session.plan.chunks.first(where: { $0.address & ~3 == start }),
              chunk.data.elementsEqual(flash.read(address: chunk.address &- context.session.layout.base, count: chunk.count)) else { return nil }
        return SessionFinding(code: code, severity: .error,
                              message: String(format: "%@ returned R0 = 0x%08X, which is no address in the verified range 0x%08X-0x%08llX, although the flash matches: Verify returns a 64-bit value, 0 in R0 on a match (or the first failing address) and the checksum in R1, not 1 for success", call.name, r0, start, UInt64(start) + bytes - 1),
                              call: call.name,
                              evidence: [String(format: "the %d bytes at 0x%08X are in the flash exactly as requested; R0 = 0x%08X", chunk.count, chunk.address, r0)])
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
