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
            if case .faulted(let fault) = call.outcome, case .supervisorCall(let imm) = fault.kind {
                return SessionFinding(code: code, severity: .error,
                                      message: "\(call.name) executes SVC #\(imm) (an RTOS call such as osDelay): the SVCall exception has no handler in a loader and no kernel runs; use a polled delay",
                                      call: call.name, evidence: [fault.description])
            }
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
/// (MSP = end of the downloaded bytes + 0x3FC): into the loader's own code or data, below the
/// RAM base (the push faults on unmapped memory), or far enough that a fault hit memory a few
/// frames below SP.
struct StackOverflowRule: DiagnosisRule {
    let code = "stack-overflow"
    /// "A few frames": a fault this close below SP (or above it, inside the frame just
    /// allocated) is a stack access, not a stray pointer.
    static let frameReach: Int64 = 0x200

    func evaluate(_ context: DiagnosisContext) -> SessionFinding? {
        let run = context.run
        var evidence = [String(format: "MSP = 0x%08X (end of the downloaded image 0x%08X + 0x3FC); deepest stack use seen: %d bytes",
                               run.stackTop, run.imageRange.upperBound, run.maxStackDepth)]
        var call = context.failedCall?.record.name ?? context.calls.last?.name
        if let (sp, record, fault) = Self.faultBelowStack(context) {
            call = record.name
            evidence.append(String(format: "%@ stopped with SP = 0x%08X, %d bytes below the MSP it was given", record.name, sp, Int64(run.stackTop) - Int64(sp)))
            if sp < SimulatedBoard.sramBase {
                evidence.append(String(format: "SP is below the RAM base 0x%08X: every push there faults", SimulatedBoard.sramBase))
            } else if sp < run.imageRange.upperBound {
                evidence.append(String(format: "SP is inside the loader's own bytes (0x%08X-0x%08X)", run.imageRange.lowerBound, run.imageRange.upperBound - 1))
            }
            evidence.append(fault.description)
        } else if run.readOnlyDamage != nil || (run.stackReachedImage && context.failed) {
            // The stack reached the loader's bytes.
        } else {
            return nil
        }
        if let damage = run.readOnlyDamage {
            evidence.append(String(format: "the loader's read-only bytes at 0x%08X%@ were overwritten", damage.address,
                                   damage.symbol.map { " (\($0))" } ?? ""))
        }
        return SessionFinding(code: code, severity: .error,
                              message: "the stack ran below the ~1 KiB the programmer reserves above the loader (into the loader itself, or below RAM): move large buffers off the stack (static, or write from the programmer's buffer directly) and avoid deep recursion",
                              call: call, evidence: evidence)
    }

    /// A faulted call whose SP left the programmer's stack downwards: below the loader's
    /// bytes or RAM, or with the fault address a few frames from SP.
    static func faultBelowStack(_ context: DiagnosisContext) -> (UInt32, SessionRun.CallRecord, Fault)? {
        let run = context.run
        for call in context.calls {
            guard case .faulted(let fault) = call.outcome, let sp = call.registers?.sp else { continue }
            let stackFloor = run.imageRange.upperBound
            if sp < stackFloor, sp < run.stackTop {
                return (sp, call, fault)
            }
            if let address = fault.address, address < stackFloor || address < SimulatedBoard.sramBase,
               abs(Int64(address) - Int64(sp)) <= frameReach, sp < run.stackTop {
                return (sp, call, fault)
            }
        }
        return nil
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
