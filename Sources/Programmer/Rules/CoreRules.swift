import CortexM
import Foundation

/// `fpu-disabled`: an FP instruction while CPACR denies CP10/CP11 is a NOCP UsageFault,
/// escalated to HardFault; the programmer sees xPSR IPSR=3 (cubeprogrammer-loader.md §4 item 11).
struct FPUDisabledRule: DiagnosisRule {
    let code = "fpu-disabled"

    func evaluate(_ context: DiagnosisContext) -> SessionFinding? {
        for (i, call) in context.calls.enumerated() {
            guard case .faulted(let fault) = call.outcome, case .coprocessorDenied(let cp) = fault.kind else { continue }
            let writes = context.machineEvents().filter { if case .cpacrWritten = $0.event { return true }; return false }
            var evidence = [String(format: "NOCP UsageFault at pc=0x%08X%@: CP%d instruction with CPACR = 0x00000000", fault.pc,
                                   context.run.symbolName(fault.pc).map { " (\($0))" } ?? "", cp)]
            evidence.append(writes.isEmpty ? "CPACR was never written before the fault" : "CPACR writes: " + writes.map(\.event.message).joined(separator: "; "))
            return SessionFinding(code: code, severity: .error,
                                  message: "\(call.name) executes a floating-point instruction with the FPU disabled (CPACR CP10/CP11 = 00): set SCB->CPACR |= 0xF << 20 first, or build with -mfloat-abi=soft",
                                  call: context.run.calls[i].name, evidence: evidence)
        }
        return nil
    }
}

/// `unexpected-exception`: the silicon would take an exception the programmer never set up
/// (interrupts are not allowed in loaders since CubeProgrammer 2.7).
struct UnexpectedExceptionRule: DiagnosisRule {
    let code = "unexpected-exception"

    func evaluate(_ context: DiagnosisContext) -> SessionFinding? {
        for call in context.calls {
            guard case .exceptionTaken(let entry) = call.outcome else { continue }
            var evidence = [entry.description]
            for (e, event) in context.machineEvents() {
                switch event {
                case .sysTickEnabled, .vtorWritten, .interruptsEnabled: evidence.append(context.evidence(e, event.message))
                default: break
                }
            }
            return SessionFinding(code: code, severity: .error,
                                  message: "\(call.name) lets the core take exception \(entry.number) (\(entry.name)): loaders must run with interrupts off (no SysTick interrupt, no vector table; CubeProgrammer 2.7+ does not support them)",
                                  call: call.name, evidence: evidence)
        }
        return nil
    }
}

/// `stack-overflow`: the stack grew below the ~1 KiB the programmer leaves above the image
/// (MSP = end of the downloaded bytes + 0x3FC) into the loader's own code or data.
struct StackOverflowRule: DiagnosisRule {
    let code = "stack-overflow"

    func evaluate(_ context: DiagnosisContext) -> SessionFinding? {
        let run = context.run
        guard run.readOnlyDamage != nil || (run.stackReachedImage && context.failed) else { return nil }
        var evidence = [String(format: "MSP = 0x%08X (end of the downloaded image 0x%08X + 0x3FC); deepest stack use seen: %d bytes",
                               run.stackTop, run.imageRange.upperBound, run.maxStackDepth)]
        if let damage = run.readOnlyDamage {
            evidence.append(String(format: "the loader's read-only bytes at 0x%08X%@ were overwritten", damage.address,
                                   damage.symbol.map { " (\($0))" } ?? ""))
        }
        let call = context.failedCall?.record.name ?? context.calls.last?.name
        return SessionFinding(code: code, severity: .error,
                              message: "the stack ran below the ~1 KiB the programmer reserves above the loader and into the loader itself: move large buffers off the stack (static, or write from the programmer's buffer directly)",
                              call: call, evidence: evidence)
    }
}

/// `hard-fault`: a fault no more specific rule explains.
struct FaultRule: DiagnosisRule {
    let code = "hard-fault"

    func evaluate(_ context: DiagnosisContext) -> SessionFinding? {
        for call in context.calls {
            guard case .faulted(let fault) = call.outcome else { continue }
            var evidence = [fault.description]
            if let r = call.registers { evidence.append(r.description) }
            var message = "\(call.name) faults: the core stops in HardFault (the programmer sees xPSR IPSR=3)"
            if case .unmappedAccess(let address, let access) = fault.kind {
                message = String(format: "%@ faults on a %@ of 0x%08X, where nothing answers (HardFault; the programmer sees xPSR IPSR=3)",
                                 call.name, access.rawValue, address)
            }
            return SessionFinding(code: code, severity: .error, message: message, call: call.name, evidence: evidence)
        }
        return nil
    }
}

/// `reset-requested`: the loader reset the chip under the programmer.
struct ResetRequestedRule: DiagnosisRule {
    let code = "reset-requested"

    func evaluate(_ context: DiagnosisContext) -> SessionFinding? {
        for call in context.calls {
            guard case .resetRequested(let pc) = call.outcome else { continue }
            return SessionFinding(code: code, severity: .error,
                                  message: "\(call.name) requests a system reset (NVIC_SystemReset / AIRCR.SYSRESETREQ): the programmer loses the loader",
                                  call: call.name, evidence: [String(format: "AIRCR written at pc=0x%08X%@", pc, context.run.symbolName(pc).map { " (\($0))" } ?? "")])
        }
        return nil
    }
}
