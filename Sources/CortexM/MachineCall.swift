import CUnicorn
import VirtualTime

extension Machine {
    /// How many hot blocks an outcome lists.
    static let hotSpotCount = 5

    /// Runs the function at `entry` the way CubeProgrammer does: R0–R3 = `arguments` (more
    /// are pushed on the stack, AAPCS), MSP = SP = `stackPointer`, LR = `returnAddress | 1`,
    /// xPSR = T, PC = `entry` (bit 0 ignored). Execution stops when the PC reaches
    /// `returnAddress` (where the caller has put `BKPT 0xBE00`; a BKPT executed there also
    /// counts as the return). Guest misbehaviour is an outcome, never a throw or a crash.
    public func call(_ entry: UInt32, arguments: [UInt32] = [], stackPointer: UInt32, returnAddress: UInt32,
                     budget: CallBudget = CallBudget()) -> CallOutcome {
        var sp = stackPointer
        if arguments.count > 4 {
            let extra = Array(arguments[4...])
            sp = (stackPointer &- UInt32(extra.count * 4)) & ~7
            for (index, value) in extra.enumerated() {
                try? writeWord(value, at: sp &+ UInt32(index * 4))
            }
        }
        let argumentRegisters: [CoreRegister] = [.r0, .r1, .r2, .r3]
        for (register, value) in zip(argumentRegisters, arguments) { writeRegister(register, value) }
        writeRegister(.msp, sp)
        writeRegister(.sp, sp)
        writeRegister(.lr, returnAddress | 1)
        writeRegister(.xpsr, 0x0100_0000)

        profile.resetExecutions()
        run.stop = nil
        run.retired = 0
        run.maxInstructions = budget.maxInstructions
        run.deadline = budget.deviceTimeLimit.map { clock.now + $0 } ?? .never
        run.returnAddress = returnAddress & ~1
        hot.pointee.fpWatch = false
        run.lastSlot = -1
        hot.pointee.lastPC = entry & ~1

        let timeout = UInt64(max(0, min(budget.hostTimeLimitSeconds, 86_400)) * 1_000_000)
        let err = uc_emu_start(engine, UInt64(entry | 1), UInt64(returnAddress & ~1), timeout, 0)
        let registers = snapshotRegisters()
        lastRegisters = registers
        let outcome = outcomeOfRun(err, registers: registers, budget: budget)
        switch outcome {
        case .faulted(let fault): log.record(.faulted(fault))
        case .exceptionTaken(let entry): log.record(.exceptionTaken(entry))
        default: break
        }
        return outcome
    }

    private func hottest() -> [HotSpot] {
        profile.hottest(Self.hotSpotCount).map { HotSpot(pc: $0.pc, executions: $0.executions, symbol: locate($0.pc)) }
    }

    private func outcomeOfRun(_ err: uc_err, registers: RegisterSnapshot, budget: CallBudget) -> CallOutcome {
        switch run.stop {
        case .fault(let fault)?:
            return .faulted(fault)
        case .budget?:
            return .budgetExhausted(instructions: run.retired, hottest: hottest())
        case .deviceTime?:
            return .deviceTimeExceeded(limit: budget.deviceTimeLimit ?? .zero, hottest: hottest())
        case .exception(let number)?:
            let vtor = systemControl.scb.vtor
            let handler = peekWord(vtor &+ UInt32(number * 4))
            return .exceptionTaken(ExceptionEntry(number: number, name: SystemControlSpace.name(ofException: number), vtor: vtor,
                                                  handler: handler, pc: hot.pointee.lastPC, symbol: locate(hot.pointee.lastPC)))
        case .reset(let pc)?:
            return .resetRequested(pc: pc)
        case .returned?:
            return .returned(r0: registers.r[0], r1: registers.r[1])
        case nil:
            break
        }
        let pc = registers.pc & ~1
        switch err {
        case UC_ERR_OK:
            if pc == run.returnAddress { return .returned(r0: registers.r[0], r1: registers.r[1]) }
            return .hostTimeExceeded(seconds: budget.hostTimeLimitSeconds, hottest: hottest())
        case UC_ERR_INSN_INVALID:
            systemControl.scb.recordUsageFault(bit: 0)
            return .faulted(Fault(kind: .undefinedInstruction, pc: pc, symbol: locate(pc)))
        case UC_ERR_READ_UNMAPPED, UC_ERR_WRITE_UNMAPPED, UC_ERR_FETCH_UNMAPPED:
            let access: MemoryAccessKind = err == UC_ERR_READ_UNMAPPED ? .read : (err == UC_ERR_WRITE_UNMAPPED ? .write : .fetch)
            return .faulted(Fault(kind: .unmappedAccess(address: 0, access: access), pc: pc, symbol: locate(pc)))
        default:
            let message = String(cString: uc_strerror(err))
            return .faulted(Fault(kind: .hardFault("emulation stopped: \(message)"), pc: pc, symbol: locate(pc)))
        }
    }
}
