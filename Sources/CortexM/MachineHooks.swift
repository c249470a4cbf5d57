import CBusWindow
import CUnicorn
import CUnicornStores
import VirtualTime

/// Why the current `uc_emu_start` was stopped by a hook.
enum StopReason {
    case fault(Fault)
    case budget
    case deviceTime
    case exception(number: Int)
    case reset(pc: UInt32)
    case returned
    case hostTime
    /// A block with FP instructions is about to run while no per-instruction hook does: the
    /// machine takes the hook back, and the block runs from here, translated with it.
    case retranslate(address: UInt32, size: UInt32)
}

/// The properties that forward to `block` are those the C block hook reads or advances.
struct RunState {
    let block: UnsafeMutablePointer<loaderlab_block_state>
    /// Instructions the call emulated: what the budget, a guard of host time, counts. Folded
    /// wait-loop turns are retired too (`totalInstructions`) but not emulated; those of a stuck
    /// loop are counted here too (`WaitLoopFold`).
    var executed: UInt64 { get { block.pointee.executed } nonmutating set { block.pointee.executed = newValue } }
    var maxInstructions: UInt64 { get { block.pointee.maxInstructions } nonmutating set { block.pointee.maxInstructions = newValue } }
    var deadline: DeviceTime {
        get { DeviceTime(picoseconds: block.pointee.deadline) }
        nonmutating set { block.pointee.deadline = newValue.picoseconds }
    }
    var returnAddress: UInt32 = 0
    var stop: StopReason?
    var lastSlot: Int { get { Int(block.pointee.lastSlot) } nonmutating set { block.pointee.lastSlot = Int64(newValue) } }
    var fpBlockStart: UInt32 { get { block.pointee.fpBlockStart } nonmutating set { block.pointee.fpBlockStart = newValue } }
    var fpSlot: Int { get { Int(block.pointee.fpSlot) } nonmutating set { block.pointee.fpSlot = UInt32(newValue) } }
    /// Where no per-instruction hook keeps the PC register current: the instruction whose
    /// access stopped the run, for the register state the call ends with.
    var pcAtStop: UInt32?
    /// Core-clock picoseconds per cycle when it is a whole number (the fast path).
    var cachedHz: UInt64 { get { block.pointee.cachedHz } nonmutating set { block.pointee.cachedHz = newValue } }
    var picosecondsPerCycle: UInt64 {
        get { block.pointee.picosecondsPerCycle }
        nonmutating set { block.pointee.picosecondsPerCycle = newValue }
    }
    /// The host guard, checked every `hostCheckInterval` blocks (reading the host clock costs
    /// more than a block). Unicorn's own timeout would start a thread that wakes every 2 µs.
    var hostDeadlineNanoseconds: UInt64 = 0
    var blocksUntilHostCheck: Int {
        get { Int(block.pointee.blocksUntilHostCheck) }
        nonmutating set { block.pointee.blocksUntilHostCheck = Int64(newValue) }
    }
    /// The core frequency may have changed (an MMIO write, e.g. to RCC, or the host between
    /// calls): the block hook reads `clock.coreFrequencyHz` again.
    var frequencyMayHaveChanged: Bool {
        get { block.pointee.frequencyMayHaveChanged }
        nonmutating set { block.pointee.frequencyMayHaveChanged = newValue }
    }
    /// Backs `Machine.totalInstructions`.
    var totalInstructions: UInt64 {
        get { block.pointee.totalInstructions }
        nonmutating set { block.pointee.totalInstructions = newValue }
    }
    /// Backs `Machine.busAccesses`: MMIO callbacks, the emulator's costliest exits.
    var busAccesses: UInt64 = 0
    /// Backs `Machine.busWindowAccesses`.
    var windowAccesses: UInt64 = 0
    /// Backs `Machine.ramStores`: guest stores to RAM that took Unicorn 2.0.1's slow path.
    var ramStores: UInt64 = 0
    static let hostCheckInterval = 4096
}

// MARK: C-convention trampolines: context is the Machine (or the MMIOMapping), unretained.

/// The FP check of the per-instruction hook (`loaderlab_code_hook`), in blocks with FP instructions.
let coprocessorCheckCallback: @convention(c) (UnsafeMutableRawPointer?, UInt32) -> Void = { machine, pc in
    guard let machine else { return }
    Unmanaged<Machine>.fromOpaque(machine)._withUnsafeGuaranteedRef { $0.checkCoprocessorAccess(pc) }
}

/// The blocks the C block hook (`loaderlab_block_hook`) leaves to the machine.
let blockWillExecuteCallback: @convention(c) (UnsafeMutableRawPointer?, UInt32, UInt32) -> Void = { machine, address, size in
    guard let machine else { return }
    // A guaranteed reference: the machine outlives its engine's hooks, and a retain and
    // release on every block were ~2 % of a third-party loader's session.
    Unmanaged<Machine>.fromOpaque(machine)._withUnsafeGuaranteedRef { $0.blockWillExecute(address, size: size) }
}

let interruptHookCallback: uc_cb_hookintr_t = { _, number, userData in
    guard let userData else { return }
    Unmanaged<Machine>.fromOpaque(userData).takeUnretainedValue().cpuException(number)
}

let unmappedHookCallback: uc_cb_eventmem_t = { _, type, address, _, _, userData in
    guard let userData else { return false }
    let machine = Unmanaged<Machine>.fromOpaque(userData).takeUnretainedValue()
    let address = UInt32(truncatingIfNeeded: address)
    if machine.mapDeferredOnAccess(address) { return true }
    machine.unmappedAccess(type, address: address)
    return false
}

let deviceAccessHookCallback: uc_cb_hookmem_t = { _, type, address, size, _, userData in
    guard let userData, size > 1, address & UInt64(size - 1) != 0 else { return }
    Unmanaged<Machine>.fromOpaque(userData).takeUnretainedValue()
        .unalignedDeviceAccess(address: UInt32(truncatingIfNeeded: address), size: size, write: type == UC_MEM_WRITE)
}

let mmioReadCallback: uc_cb_mmio_read_t = { _, offset, size, userData in
    guard let userData else { return 0 }
    let (member, local) = Unmanaged<MMIOSpan>.fromOpaque(userData)._withUnsafeGuaranteedRef { $0.member(at: UInt32(truncatingIfNeeded: offset)) }
    return member._withUnsafeGuaranteedRef { mapping in
        mapping.machine._withUnsafeGuaranteedRef { UInt64($0.mmioRead(mapping, offset: local, size: size)) }
    }
}

let mmioWriteCallback: uc_cb_mmio_write_t = { _, offset, size, value, userData in
    guard let userData else { return }
    let (member, local) = Unmanaged<MMIOSpan>.fromOpaque(userData)._withUnsafeGuaranteedRef { $0.member(at: UInt32(truncatingIfNeeded: offset)) }
    member._withUnsafeGuaranteedRef { mapping in
        mapping.machine._withUnsafeGuaranteedRef { $0.mmioWrite(mapping, offset: local, size: size, value: UInt32(truncatingIfNeeded: value)) }
    }
}

extension Machine {
    func installHooks() throws(MachineError) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        func check(_ err: uc_err, _ what: String, _ hook: uc_hook) throws(MachineError) {
            guard err == UC_ERR_OK else { throw Machine.failure("uc_hook_add(\(what))", err) }
            hooks.append(hook)
        }
        var hook: uc_hook = 0
        try installCodeHook()
        try check(loaderlab_uc_hook_code(engine, &hook, Int32(UC_HOOK_BLOCK.rawValue), loaderlab_block_hook, UnsafeMutableRawPointer(block), 1, 0), "BLOCK", hook)
        try check(loaderlab_uc_hook_intr(engine, &hook, interruptHookCallback, context), "INTR", hook)
        let unmapped = UC_HOOK_MEM_READ_UNMAPPED.rawValue | UC_HOOK_MEM_WRITE_UNMAPPED.rawValue | UC_HOOK_MEM_FETCH_UNMAPPED.rawValue
        try check(loaderlab_uc_hook_mem_invalid(engine, &hook, Int32(unmapped), unmappedHookCallback, context, 1, 0), "MEM_UNMAPPED", hook)
    }

    /// The per-instruction hook: the PC of every instruction (`hot.lastPC`), and the FP check.
    func installCodeHook() throws(MachineError) {
        guard codeHook == nil else { return }
        var hook: uc_hook = 0
        let err = loaderlab_uc_hook_code(engine, &hook, Int32(UC_HOOK_CODE.rawValue), loaderlab_code_hook, UnsafeMutableRawPointer(hot), 1, 0)
        guard err == UC_ERR_OK else { throw Machine.failure("uc_hook_add(CODE)", err) }
        hooks.append(hook)
        codeHook = hook
    }

    /// Chooses where the PC of a bus access comes from: the per-instruction hook, or the host
    /// code that made the access (`CUnicornStores`), which spares every instruction a call.
    /// Unicorn instruments code when it translates it, so the choice is made before the first
    /// call and kept.
    func updatePCSource() {
        guard !hasRun else { return }
        let wanted = takesPCFromHostWhenPossible && storePath != nil && interposedHelpersTrusted
        guard wanted != pcFromHost else { return }
        if wanted, debugState == nil, let hook = codeHook {
            uc_hook_del(engine, hook)
            hooks.removeAll { $0 == hook }
            codeHook = nil
        } else if !wanted {
            // Failing to add a hook leaves the engine as it was: the host's PCs stay.
            guard (try? installCodeHook()) != nil else { return }
        }
        bus.pointee.pcFromHost = wanted
    }

    /// Memory hooks on the Device regions that check alignment before each access, instead
    /// of the MMIO callbacks' decoding (`LoadStoreDecoder`). Unicorn 2.0.1 then takes every
    /// guest load and store, RAM included, through its slow path (about 55 ns each): off but
    /// to show that both checks agree.
    public func setDeviceAccessHooks(_ installed: Bool) throws(MachineError) {
        guard installed != !deviceHooks.isEmpty else { return }
        if !installed {
            for hook in deviceHooks { uc_hook_del(engine, hook) }
            hooks.removeAll { deviceHooks.contains($0) }
            deviceHooks = []
            return
        }
        // They must see every peripheral access, from now if a run is in progress.
        loaderlab_store_path_set_direct_mmio(false)
        let context = Unmanaged.passUnretained(self).toOpaque()
        let access = Int32(UC_HOOK_MEM_READ.rawValue | UC_HOOK_MEM_WRITE.rawValue)
        for (begin, end): (UInt64, UInt64) in [(0x4000_0000, 0x5FFF_FFFF), (0xA000_0000, 0xFFFF_FFFF)] {
            var hook: uc_hook = 0
            let err = loaderlab_uc_hook_mem(engine, &hook, access, deviceAccessHookCallback, context, begin, end)
            guard err == UC_ERR_OK else { throw Machine.failure("uc_hook_add(MEM devices)", err) }
            hooks.append(hook)
            deviceHooks.append(hook)
        }
    }

    /// The access the instruction at the current PC makes, when it is a Device-memory access
    /// that is not naturally aligned. Callers ask only where Unicorn may have split one: a
    /// 1-byte store (an unaligned store arrives byte by byte) or a load wider than a byte (an
    /// unaligned load arrives as two aligned loads of its own size); the address is computed
    /// from the registers.
    func misalignedDeviceAccess(write: Bool) -> LoadStoreDecoder.Access? {
        let pc = hot.pointee.lastPC
        let recipe: LoadStoreDecoder.Recipe?
        if let mirrored = mirroredRecipe(pc: pc) {
            recipe = mirrored
        } else if let cached = accessRecipes[pc] {
            recipe = cached
            mirrorRecipe(cached, pc: pc)
        } else {
            let bytes = (try? readMemory(at: pc, count: 4)) ?? (try? readMemory(at: pc, count: 2)) ?? []
            recipe = bytes.count >= 2
                ? LoadStoreDecoder.recipe(UInt16(bytes[0]) | UInt16(bytes[1]) << 8,
                                          bytes.count >= 4 ? UInt16(bytes[2]) | UInt16(bytes[3]) << 8 : 0)
                : nil
            accessRecipes[pc] = .some(recipe)
            mirrorRecipe(recipe, pc: pc)
        }
        guard let recipe, recipe.bytes > 1, recipe.isWrite == write else { return nil }
        let access = LoadStoreDecoder.access(recipe, pc: pc) { readRegister(CoreRegister.general($0)) }
        return access.address & (recipe.bytes - 1) != 0 ? access : nil
    }

    func requestStop(_ reason: StopReason) {
        guard run.stop == nil else { return }
        // Any access the core still makes (what Unicorn runs of the block after the stop) must
        // reach the Swift path, which ignores it.
        closeBusWindow()
        run.stop = reason
        if pcFromHost, loaderlab_access_in_progress() { run.pcAtStop = hot.pointee.lastPC }
        uc_emu_stop(engine)
    }

    // MARK: per instruction (hot)

    func checkCoprocessorAccess(_ address: UInt32) {
        let offset = address &- run.fpBlockStart
        guard offset < 0x1_0000, run.fpSlot < profile.records.count,
              profile.records[run.fpSlot].fpOffsets.contains(UInt16(offset)) else { return }
        guard !systemControl.scb.floatingPointAllowed else { return }
        // The silicon raises NOCP before the instruction executes; stopping in the code hook
        // does the same in Unicorn.
        systemControl.scb.recordUsageFault(bit: 3)
        requestStop(.fault(Fault(kind: .coprocessorDenied(coprocessor: 10), pc: address, symbol: locate(address))))
    }

    // MARK: per block

    /// The block hook, for a block the C one (`loaderlab_block_hook`) does not finish: it
    /// takes every branch the C hook only checks for.
    func blockWillExecute(_ address: UInt32, size: UInt32) {
        run.blocksUntilHostCheck &-= 1
        if run.blocksUntilHostCheck <= 0 {
            run.blocksUntilHostCheck = RunState.hostCheckInterval
            if hostNanoseconds() >= run.hostDeadlineNanoseconds {
                requestStop(.hostTime)
                return
            }
        }
        let known = profile.slot(address: address, size: size)
        let slot = known ?? learnBlock(address, size: size)
        if known == nil, pcFromHost, !profile.records[slot].fpOffsets.isEmpty {
            // The NOCP check needs the PC of every FP instruction: before this block first
            // runs, the per-instruction hook comes back (for the rest of the machine's life)
            // and the block is translated again with it (Unicorn may have translated it
            // before the hook was there).
            requestStop(.retranslate(address: address, size: size))
            return
        }
        run.lastSlot = slot
        profile.countExecution(slot)
        let count = UInt64(profile.records[slot].instructions)
        hot.pointee.fpWatch = !profile.records[slot].fpOffsets.isEmpty
        if hot.pointee.fpWatch {
            run.fpBlockStart = address
            run.fpSlot = slot
        }
        if run.executed &+ count > run.maxInstructions {
            profile.uncountExecution(slot)
            requestStop(.budget)
            return
        }
        run.executed &+= count
        run.totalInstructions &+= count
        advanceClock(cycles: count)
        if clock.now > run.deadline {
            requestStop(.deviceTime)
            return
        }
        let sysTick = systemControl.sysTick
        if clock.now >= sysTick.nextInterruptTime { sysTick.catchUp() }
        if sysTick.pending || systemControl.scb.pendSVPending || systemControl.scb.nmiPending || systemControl.nvic.anyPending {
            checkPendingException(at: address)
        }
    }

    @inline(__always)
    private func advanceClock(cycles: UInt64) {
        if run.frequencyMayHaveChanged {
            run.frequencyMayHaveChanged = false
            let hz = clock.coreFrequencyHz
            if hz != run.cachedHz {
                if run.cachedHz != 0 {
                    systemControl.sysTick.coreClockChanged()
                    dwt.coreClockChanged()
                }
                run.cachedHz = hz
                run.picosecondsPerCycle = hz > 0 && 1_000_000_000_000 % hz == 0 ? 1_000_000_000_000 / hz : 0
            }
        }
        if run.picosecondsPerCycle != 0 {
            clock.advance(by: DeviceTime(picoseconds: cycles &* run.picosecondsPerCycle))
        } else if run.cachedHz > 0 {
            clock.advance(cycles: cycles)
        }
    }

    private func learnBlock(_ address: UInt32, size: UInt32) -> Int {
        let bytes = (try? readMemory(at: address, count: Int(max(size, 2)))) ?? []
        let shape = bytes.isEmpty ? ThumbDecoder.BlockShape(instructions: 1, fpOffsets: []) : ThumbDecoder.shape(of: bytes)
        return profile.insert(BlockRecord(address: address, size: size, instructions: shape.instructions,
                                          fpOffsets: shape.fpOffsets))
    }

    private func checkPendingException(at address: UInt32) {
        let number = systemControl.exceptionToTake(
            primask: readRegister(.primask), faultmask: readRegister(.faultmask), basepri: readRegister(.basepri))
        guard let number else { return }
        // The block has not run: do not charge it.
        if run.lastSlot >= 0 { profile.uncountExecution(run.lastSlot) }
        hot.pointee.lastPC = address
        requestStop(.exception(number: number))
    }

    // MARK: bus

    @inline(__always)
    private func width(_ size: UInt32) -> AccessWidth? {
        switch size {
        case 1: .byte
        case 2: .halfword
        case 4: .word
        default: nil
        }
    }

    func mmioRead(_ mapping: MMIOMapping, offset: UInt32, size: UInt32) -> UInt32 {
        closeBusWindow()
        run.busAccesses &+= 1
        guard run.stop == nil else { return 0 }
        guard let width = width(size) else {
            busFault(mapping, offset: offset, why: .rejected("\(size * 8)-bit access"))
            return 0
        }
        if mapping.isDevice, size > 1, !bus.pointee.alignedAccess, let access = misalignedDeviceAccess(write: false) {
            unalignedDeviceAccess(address: access.address, size: Int32(access.bytes), write: false)
            return 0
        }
        if foldsWaitLoops { foldBeforeAccess(mapping, offset: offset, write: false) }
        let before = clock.now
        let value = performRead(mapping, offset: offset, width: width)
        if foldsWaitLoops { foldAfterAccess(mapping, offset: offset, width: width, write: false, value: value, before: before) }
        if mapping.windowed != nil { openBusWindow(mapping) }
        return value
    }

    /// The read itself, as the core makes it at `hot.lastPC` (also the wait-loop fold's replay).
    func performRead(_ mapping: MMIOMapping, offset: UInt32, width: AccessWidth) -> UInt32 {
        clock.currentPC = hot.pointee.lastPC
        var error: BusErrorKind?
        let value = mapping.peripheral.read(offset: offset, width: width, error: &error)
        pollWatch.read(address: mapping.base &+ offset, value: value, pc: clock.currentPC)
        if let error { busFault(mapping, offset: offset, why: error) }
        return value
    }

    func mmioWrite(_ mapping: MMIOMapping, offset: UInt32, size: UInt32, value: UInt32) {
        closeBusWindow()
        run.busAccesses &+= 1
        guard run.stop == nil else { return }
        guard let width = width(size) else {
            busFault(mapping, offset: offset, why: .rejected("\(size * 8)-bit access"))
            return
        }
        // QEMU stores an unaligned MMIO access byte by byte, so only a 1-byte store can be one
        // piece of it: wider stores skip the decode on this path (every DR word write).
        if mapping.isDevice, size == 1, !bus.pointee.alignedAccess, let access = misalignedDeviceAccess(write: true) {
            unalignedDeviceAccess(address: access.address, size: Int32(access.bytes), write: true)
            return
        }
        // A write never starts a search: only an open one sees it (every DR word write skips this).
        if foldsWaitLoops, fold.phase != .idle {
            foldBeforeAccess(mapping, offset: offset, write: true)
            let before = clock.now
            performWrite(mapping, offset: offset, width: width, value: value)
            foldAfterAccess(mapping, offset: offset, width: width, write: true, value: value, before: before)
        } else {
            performWrite(mapping, offset: offset, width: width, value: value)
        }
        if mapping.windowed != nil { openBusWindow(mapping) }
    }

    /// The write itself, as the core makes it at `hot.lastPC` (also the wait-loop fold's replay).
    func performWrite(_ mapping: MMIOMapping, offset: UInt32, width: AccessWidth, value: UInt32) {
        clock.currentPC = hot.pointee.lastPC
        var error: BusErrorKind?
        mapping.peripheral.write(offset: offset, width: width, value: value, error: &error)
        pollWatch.noteWrite()
        run.frequencyMayHaveChanged = true
        if let error { busFault(mapping, offset: offset, why: error) }
        if mapping.isSystemControl, systemControl.scb.resetRequested {
            systemControl.scb.resetRequested = false
            requestStop(.reset(pc: hot.pointee.lastPC))
        }
    }

    private func busFault(_ mapping: MMIOMapping, offset: UInt32, why: BusErrorKind) {
        let address = mapping.base &+ offset
        systemControl.scb.recordBusFault(address: address, instructionFetch: false)
        requestStop(.fault(Fault(kind: .busError(address: address, peripheral: mapping.peripheral.name, why: why),
                                 pc: hot.pointee.lastPC, symbol: locate(hot.pointee.lastPC))))
    }

    func unalignedDeviceAccess(address: UInt32, size: Int32, write: Bool) {
        guard run.stop == nil, let width = width(UInt32(size)) else { return }
        systemControl.scb.recordUsageFault(bit: 8)  // UNALIGNED
        requestStop(.fault(Fault(kind: .unalignedAccess(address: address, width: width, access: write ? .write : .read),
                                 pc: hot.pointee.lastPC, symbol: locate(hot.pointee.lastPC))))
    }

    func unmappedAccess(_ type: uc_mem_type, address: UInt32) {
        let access: MemoryAccessKind
        switch type {
        case UC_MEM_WRITE_UNMAPPED: access = .write
        case UC_MEM_FETCH_UNMAPPED: access = .fetch
        default: access = .read
        }
        // As the MMIO callbacks do first: the PC of the access, where no hook keeps it.
        if access != .fetch { loaderlab_bus_take_access_pc(bus) }
        let pc = access == .fetch ? address : hot.pointee.lastPC
        systemControl.scb.recordBusFault(address: address, instructionFetch: access == .fetch)
        requestStop(.fault(Fault(kind: .unmappedAccess(address: address, access: access), pc: pc, symbol: locate(pc))))
    }

    /// QEMU's ARM exception numbers (target/arm/cpu.h EXCP_*), as UC_HOOK_INTR reports them.
    func cpuException(_ number: UInt32) {
        let pcRegister = readRegister(.pc)
        loaderlab_access_pc_forget()
        if pcFromHost { hot.pointee.lastPC = exceptionPC(number, pcRegister: pcRegister & ~1) }
        let kind: Fault.Kind
        var pc = hot.pointee.lastPC
        switch number {
        case 1:  // EXCP_UDEF
            kind = .undefinedInstruction
            systemControl.scb.recordUsageFault(bit: 0)
        case 2:  // EXCP_SWI: PC already points past the SVC
            kind = .supervisorCall(immediate: peekByte(hot.pointee.lastPC))
        case 7:  // EXCP_BKPT: PC is the BKPT itself
            pc = pcRegister & ~1
            if pc == run.returnAddress & ~1 {
                requestStop(.returned)
                return
            }
            kind = .breakpoint(immediate: peekByte(pc))
        case 17:  // EXCP_NOCP
            kind = .coprocessorDenied(coprocessor: 10)
            systemControl.scb.recordUsageFault(bit: 3)
        case 18:  // EXCP_INVSTATE
            kind = .invalidState
            systemControl.scb.recordUsageFault(bit: 1)
        case 22:  // EXCP_UNALIGNED
            kind = .hardFault("unaligned access (CCR.UNALIGN_TRP or a multiple-load/store)")
            systemControl.scb.recordUsageFault(bit: 8)
        case 3, 4:  // prefetch / data abort
            kind = .hardFault("bus error (\(number == 3 ? "prefetch" : "data") abort)")
        case 8:
            kind = .hardFault("exception return (EXC_RETURN) outside any handler")
        default:
            kind = .hardFault("CPU exception \(number) raised by the emulator")
        }
        requestStop(.fault(Fault(kind: kind, pc: pc, symbol: locate(pc))))
    }

    /// Where no per-instruction hook runs: the instruction that raised QEMU exception
    /// `number`. QEMU sets the PC to the instruction for UDF, NOCP and INVSTATE and restores it
    /// for aborts; it leaves it past an SVC (16-bit); an exception return outside a handler
    /// leaves the EXC_RETURN value, so the branch is the last instruction of the block.
    private func exceptionPC(_ number: UInt32, pcRegister: UInt32) -> UInt32 {
        switch number {
        case 2: return pcRegister &- 2
        case 8: return lastInstructionOfCurrentBlock() ?? pcRegister
        default: return pcRegister
        }
    }

    private func lastInstructionOfCurrentBlock() -> UInt32? {
        let slot = run.lastSlot
        guard slot >= 0, slot < profile.records.count else { return nil }
        let record = profile.records[slot]
        guard let bytes = try? readMemory(at: record.address, count: Int(record.size)) else { return nil }
        return record.address &+ UInt32(ThumbDecoder.shape(of: bytes).lastOffset)
    }

    private func peekByte(_ address: UInt32) -> UInt8 {
        ((try? readMemory(at: address & ~1, count: 1))?.first) ?? 0
    }
}

/// The host's monotonic clock in nanoseconds (a plain integer keeps `RunState` a fixed-layout
/// value that the block hook reads without runtime metadata).
func hostNanoseconds() -> UInt64 {
    let d = ContinuousClock.now - hostEpoch
    return UInt64(max(0, d.components.seconds)) &* 1_000_000_000 &+ UInt64(max(0, d.components.attoseconds / 1_000_000_000))
}

private let hostEpoch = ContinuousClock.now
