import CBusWindow
import CUnicorn
import CUnicornStores
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
        do {
            try mapPendingMMIO()
        } catch {
            // Only a host failure (memory) gets here: the regions were checked when mapped.
            return .faulted(Fault(kind: .hardFault("the emulator could not map the peripherals: \(error)"), pc: entry & ~1, symbol: locate(entry & ~1)))
        }
        pollWatch.reset()
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
        hasRun = true
        run.executed = 0
        fold.failures = 0
        run.maxInstructions = budget.maxInstructions
        run.deadline = budget.deviceTimeLimit.map { clock.now + $0 } ?? .never
        run.returnAddress = returnAddress & ~1
        hot.pointee.fpWatch = false
        run.lastSlot = -1
        hot.pointee.lastPC = entry & ~1

        let hostLimit = Duration.microseconds(Int64(max(0, min(budget.hostTimeLimitSeconds, 86_400)) * 1_000_000))
        let started = ContinuousClock.now
        run.hostDeadlineNanoseconds = hostNanoseconds() &+ UInt64(hostLimit.components.seconds) &* 1_000_000_000
            &+ UInt64(hostLimit.components.attoseconds / 1_000_000_000)
        run.blocksUntilHostCheck = 1
        debugCallWillStart()
        var start = entry | 1
        var err: uc_err
        var sleptForever = false
        var resumedAfterWait: UInt32?
        var executedAtResume: UInt64 = 0
        run.frequencyMayHaveChanged = true
        while true {
            // No Unicorn timeout: the block hook keeps the host guard (see `RunState.hostDeadlineNanoseconds`).
            // Memory hooks that must see every store (the debugger's, the Device-region ones)
            // keep stores on the store helper.
            fastStoresInRun = skipsStoreLocks && !memoryHooksWatchEveryAccess
            loaderlab_store_path_enter(storePath, skipsStoreLocks, fastStoresInRun, routesMMIODirectlyInRun)
            // A fold in progress never spans two runs: a stop (WFI, an exception) breaks a turn.
            foldReset()
            let storesBefore = loaderlab_store_path_slow_stores()
            run.pcAtStop = nil
            err = uc_emu_start(engine, UInt64(start), UInt64(returnAddress & ~1), 0, 0)
            // The hook kept the PC register at the instruction that stopped the run; without
            // it, Unicorn leaves the start of its block there.
            if let pc = run.pcAtStop { writeRegister(.pc, pc | 1) }
            closeBusWindow()
            run.ramStores &+= loaderlab_store_path_slow_stores() &- storesBefore
            foldEndRun()
            loaderlab_store_path_leave()
            if case .retranslate(let address, let size)? = run.stop {
                run.stop = nil
                if (try? installCodeHook()) != nil {
                    loaderlab_forget_translations(engine, UInt64(address), UInt64(address) + UInt64(max(size, 2)))
                }
                start = address | 1
                continue
            }
            // Unicorn halts the CPU on WFI/WFE and returns as if done; the silicon sleeps
            // until an interrupt. WFE is treated as a NOP (its event register is usually set).
            // Unicorn 2.0.1 returns UC_ERR_OK after WFI and UC_ERR_INSN_INVALID after WFE, with
            // the PC past it; the code hook's last address tells it from a real UDF at the PC.
            // Without that hook, a run that resumed past a wait and stopped there again at
            // once did not execute one.
            guard run.stop == nil, err == UC_ERR_OK || err == UC_ERR_INSN_INVALID,
                  ContinuousClock.now - started - debugHaltedDuration < hostLimit else { break }
            let pc = readRegister(.pc) & ~1
            let justWaited = pcFromHost ? !(resumedAfterWait == pc && run.executed == executedAtResume) : hot.pointee.lastPC == pc &- 2
            guard pc != run.returnAddress, justWaited, let sleep = waitInstruction(before: pc) else { break }
            resumedAfterWait = pc
            executedAtResume = run.executed
            if sleep == .waitForInterrupt, !wakeFromWFI() {
                sleptForever = true
                hot.pointee.lastPC = pc &- 2
                break
            }
            start = pc | 1
        }
        let registers = snapshotRegisters()
        if sleptForever {
            lastRegisters = registers
            let fault = Fault(kind: .hardFault("WFI with no enabled interrupt that could wake the core: it sleeps forever"),
                              pc: hot.pointee.lastPC, symbol: locate(hot.pointee.lastPC))
            clock.currentPC = fault.pc
            log.record(.faulted(fault))
            return .faulted(fault)
        }
        lastRegisters = registers
        let outcome = outcomeOfRun(err, registers: registers, budget: budget)
        switch outcome {
        case .faulted(let fault):
            clock.currentPC = fault.pc
            log.record(.faulted(fault))
        case .exceptionTaken(let entry):
            clock.currentPC = entry.pc
            log.record(.exceptionTaken(entry))
        default: break
        }
        return outcome
    }

    private enum WaitInstruction { case waitForInterrupt, waitForEvent }

    /// Whether the instruction just before `pc` is WFI (0xBF30) or WFE (0xBF20).
    private func waitInstruction(before pc: UInt32) -> WaitInstruction? {
        guard pc >= 2, let bytes = try? readMemory(at: pc - 2, count: 2) else { return nil }
        switch UInt16(bytes[0]) | UInt16(bytes[1]) << 8 {
        case 0xBF30: return .waitForInterrupt
        case 0xBF20: return .waitForEvent
        default: return nil
        }
    }

    /// WFI wakes on any pending interrupt (even masked by PRIMASK). The only source that
    /// can arise on its own is SysTick: sleep until its next wrap. False if nothing can wake it.
    private func wakeFromWFI() -> Bool {
        let scs = systemControl
        if scs.sysTick.pending || scs.scb.pendSVPending || scs.scb.nmiPending || scs.nvic.pendingEnabledIRQ() != nil { return true }
        guard let wake = scs.sysTick.nextWakeTime else { return false }
        clock.advance(to: wake)
        scs.sysTick.catchUp()
        return true
    }

    private func hottest() -> [HotSpot] {
        profile.hottest(Self.hotSpotCount).map { HotSpot(pc: $0.pc, executions: $0.executions, symbol: locate($0.pc)) }
    }

    private func outcomeOfRun(_ err: uc_err, registers: RegisterSnapshot, budget: CallBudget) -> CallOutcome {
        switch run.stop {
        case .fault(let fault)?:
            return .faulted(fault)
        case .budget?:
            return .budgetExhausted(instructions: run.executed, hottest: hottest())
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
        case .hostTime?:
            return .hostTimeExceeded(seconds: budget.hostTimeLimitSeconds, hottest: hottest())
        case .retranslate?, nil:
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
