import Foundation
import STM32U5

/// `clock-configuration-order`: SYSCLK ran faster than the voltage range or the flash
/// wait states allow, i.e. the PLL was selected before `HAL_PWREx_ControlVoltageScaling`
/// raised VOS (or before FLASH_ACR.LATENCY was raised). RM0456 gives each range a maximum
/// HCLK (range 4: 24 MHz) and each frequency a minimum latency; above them the silicon
/// is out of its specification (instruction fetches from the internal flash fail, the
/// core hard-faults or locks up), which the lab does not emulate: it names the order.
struct ClockConfigurationOrderRule: DiagnosisRule {
    let code = "clock-configuration-order"

    func evaluate(_ context: DiagnosisContext) -> SessionFinding? {
        var evidence: [String] = []
        var firstCall: Int?
        var message: String?
        for (entry, event) in context.socEvents() {
            switch event {
            case let .sysclkAboveVoltageRange(hz, range, maximum):
                message = message ?? String(format: "SYSCLK was switched to %.0f MHz while the voltage range was %d (at most %.0f MHz): raise the voltage scale first (HAL_PWREx_ControlVoltageScaling(PWR_REGULATOR_VOLTAGE_SCALE1), then wait for VOSRDY), then FLASH_ACR.LATENCY, and only then select the PLL",
                                            Double(hz) / 1e6, range, Double(maximum) / 1e6)
            case let .flashLatencyTooLow(hz, _, latency, required):
                message = message ?? String(format: "HCLK reached %.0f MHz with FLASH_ACR.LATENCY=%d (%d wait states needed): set the flash latency before raising the clock (HAL_RCC_ClockConfig does it when given the right FLatency)",
                                            Double(hz) / 1e6, latency, required)
            default: continue
            }
            firstCall = firstCall ?? entry.call
            if evidence.count < 3 { evidence.append(context.evidence(entry, event.message)) }
        }
        guard let message else { return nil }
        evidence.append("on silicon this runs the core outside its specification; the lab keeps running it, so the rest of the session says nothing about the real board")
        return SessionFinding(code: code, severity: .error, message: message, call: context.label(firstCall), evidence: evidence)
    }
}

/// `hse-not-on-board`: the loader starts HSE (RCC_CR.HSEON), as CubeMX's SystemClock_Config
/// does for a board with a crystal, but the board file gives no `clock.hseHz`: HSERDY never
/// rises, `HAL_RCC_OscConfig` times out after HSE_STARTUP_TIMEOUT, and a PLL fed from HSE
/// never locks. A cause only where a call that failed was waiting on RCC_CR (its longest
/// poll); a loader that gives up on HSE and carries on from MSI or HSI16 gets a note.
struct HSENotOnBoardRule: DiagnosisRule {
    let code = "hse-not-on-board"

    func evaluate(_ context: DiagnosisContext) -> SessionFinding? {
        guard let (entry, event) = context.socEvents().first(where: { $1 == .hseWithoutCrystal }) else {
            return nil
        }
        var evidence = [context.evidence(entry, event.message)]
        let waited = context.run.calls.indices.first { i in
            let call = context.run.calls[i]
            return !call.succeeded && i >= (entry.call ?? 0) && call.polls.first?.registerName(soc: context.run.board?.soc) == "RCC_CR"
        }
        let advice = "if the board has an HSE crystal or oscillator, give its frequency as \"hseHz\" in the board file's \"clock\"; if not, the loader must run from MSIS or HSI16 (the programmer's board is not the application's)"
        guard let waited, context.failed else {
            return SessionFinding(code: code, severity: .note,
                                  message: "the loader starts HSE, which this board does not have (no clock.hseHz); no failing call waited on it: \(advice)",
                                  call: context.label(entry.call), evidence: evidence)
        }
        evidence += context.pollEvidence(context.run.calls[waited])
        return SessionFinding(code: code, severity: .error,
                              message: "\(context.run.calls[waited].name) waits for HSE (RCC_CR.HSERDY, or a PLL fed from it), but the board has no HSE crystal in its description: HSERDY never rises, so the wait can only time out (in ST's HAL, HAL_RCC_OscConfig after HSE_STARTUP_TIMEOUT); \(advice)",
                              call: context.run.calls[waited].name, evidence: evidence)
    }
}
