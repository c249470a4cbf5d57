import CUnicorn
import CUnicornStores
import VirtualTime

/// Why the core halted for a debugger.
public enum MachineHalt: Sendable, Equatable {
    case breakpoint(hardware: Bool)
    case step
    /// Halted before the access executes: ARM watchpoints are not steppable, so GDB steps
    /// over the instruction itself and then compares the value.
    case watchpoint(DebugWatchKind, address: UInt32)
    case interrupted
    /// `haltAtNextInstruction()` or `haltAt(pc:occurrence:)`.
    case requested
}

public enum DebugWatchKind: Sendable, Equatable { case write, read, access }

public enum DebugResume: Sendable, Equatable {
    case run
    case step
    /// Forget every breakpoint and watchpoint and never halt again.
    case detach
}

/// Decides what to do whenever the core halts. Called on the emulation thread, inside a
/// Unicorn hook, with the core stopped before the instruction at `pc`: registers and memory
/// may be read and written through the machine meanwhile. Time spent here is neither
/// device time nor counted against the call's host-time guard.
public protocol MachineDebugDelegate: AnyObject {
    func machine(_ machine: Machine, haltedAt pc: UInt32, because reason: MachineHalt) -> DebugResume
    /// Polled every few thousand instructions while running (a debugger's Ctrl-C).
    func interruptRequested() -> Bool
}

/// The debugger's view of a machine: breakpoints, watchpoints, stepping and halt requests.
/// It exists only after `enableDebugging()`; without it the machine installs none of these
/// hooks and pays nothing.
final class DebugState {
    var delegate: (any MachineDebugDelegate)?
    var softwareBreakpoints: Set<UInt32> = []
    var hardwareBreakpoints: Set<UInt32> = []
    var watchpoints: [(kind: DebugWatchKind, range: Range<UInt64>)] = []
    var stepping = false
    var haltNext = false
    /// Halt on the `remaining`-th execution of `pc` from now.
    var occurrence: (pc: UInt32, remaining: Int)?
    /// Count executions of `pc` that start at or before `until` (the replay's first pass).
    var counter: (pc: UInt32, until: DeviceTime, count: Int)?
    /// The instruction being executed: its index in the current block, and the block's size.
    var indexInBlock: UInt32 = 0
    var currentIndex: UInt32 = 0
    var blockInstructions: UInt32 = 1
    var pollCountdown = DebugState.pollInterval
    /// Host time spent halted during the current call (not charged to its host guard).
    var haltedNanoseconds: UInt64 = 0
    var isHalted = false
    var lastWatchHit: (kind: DebugWatchKind, address: UInt32)?
    static let pollInterval = 4096
}

let debugCodeHookCallback: uc_cb_hookcode_t = { _, address, _, userData in
    guard let userData else { return }
    Unmanaged<Machine>.fromOpaque(userData).takeUnretainedValue().debugInstruction(UInt32(truncatingIfNeeded: address))
}

let debugBlockHookCallback: uc_cb_hookcode_t = { _, _, _, userData in
    guard let userData else { return }
    Unmanaged<Machine>.fromOpaque(userData).takeUnretainedValue().debugBlock()
}

let debugMemoryHookCallback: uc_cb_hookmem_t = { _, type, address, size, _, userData in
    guard let userData else { return }
    Unmanaged<Machine>.fromOpaque(userData).takeUnretainedValue()
        .debugAccess(write: type == UC_MEM_WRITE, address: UInt32(truncatingIfNeeded: address), size: UInt32(max(size, 1)))
}

extension Machine {
    /// Installs the debugger's hooks (every instruction, every block, every data access).
    /// Call it before the first `call`: Unicorn instruments code when it translates it.
    public func enableDebugging() throws(MachineError) {
        guard debugState == nil else { return }
        let context = Unmanaged.passUnretained(self).toOpaque()
        func add(_ err: uc_err, _ what: String, _ hook: uc_hook) throws(MachineError) {
            guard err == UC_ERR_OK else { throw Machine.failure("uc_hook_add(\(what))", err) }
            hooks.append(hook)
        }
        // Every instruction's PC, as the debugger's hooks expect it.
        try installCodeHook()
        var hook: uc_hook = 0
        // Added after the machine's own hooks, so they run after them: the block is counted
        // and the PC known when these look.
        try add(loaderlab_uc_hook_code(engine, &hook, Int32(UC_HOOK_BLOCK.rawValue), debugBlockHookCallback, context, 1, 0), "debug BLOCK", hook)
        try add(loaderlab_uc_hook_code(engine, &hook, Int32(UC_HOOK_CODE.rawValue), debugCodeHookCallback, context, 1, 0), "debug CODE", hook)
        let access = Int32(UC_HOOK_MEM_READ.rawValue | UC_HOOK_MEM_WRITE.rawValue)
        loaderlab_store_path_set_direct_mmio(false)
        try add(loaderlab_uc_hook_mem(engine, &hook, access, debugMemoryHookCallback, context, 1, 0), "debug MEM", hook)
        debugState = DebugState()
        // Code translated before now carries no debug hooks.
        if profile.records.isEmpty == false { _ = loaderlab_uc_flush_tb(engine); profile.removeAll(); forgetAccessRecipes(); run.lastSlot = -1 }
    }

    public var debugDelegate: (any MachineDebugDelegate)? {
        get { debugState?.delegate }
        set { debugState?.delegate = newValue }
    }

    public var isDebuggingEnabled: Bool { debugState != nil }

    public func setBreakpoint(at address: UInt32, hardware: Bool) {
        if hardware { debugState?.hardwareBreakpoints.insert(address & ~1) } else { debugState?.softwareBreakpoints.insert(address & ~1) }
    }

    @discardableResult
    public func removeBreakpoint(at address: UInt32, hardware: Bool) -> Bool {
        if hardware { return debugState?.hardwareBreakpoints.remove(address & ~1) != nil }
        return debugState?.softwareBreakpoints.remove(address & ~1) != nil
    }

    public func setWatchpoint(_ kind: DebugWatchKind, address: UInt32, length: UInt32) {
        debugState?.watchpoints.append((kind, UInt64(address)..<(UInt64(address) + UInt64(max(length, 1)))))
    }

    @discardableResult
    public func removeWatchpoint(_ kind: DebugWatchKind, address: UInt32, length: UInt32) -> Bool {
        let range = UInt64(address)..<(UInt64(address) + UInt64(max(length, 1)))
        guard let i = debugState?.watchpoints.firstIndex(where: { $0.kind == kind && $0.range == range }) else { return false }
        debugState?.watchpoints.remove(at: i)
        return true
    }

    /// Halt before the next instruction the core executes (a call's entry, a step resumed
    /// from outside a hook).
    public func haltAtNextInstruction() { debugState?.haltNext = true }

    /// Halt on the `occurrence`-th (1-based) execution of `pc` from now; nil clears it.
    public func haltAt(pc: UInt32, occurrence: Int?) {
        debugState?.occurrence = occurrence.map { (pc & ~1, max(1, $0)) }
    }

    /// Starts counting executions of `pc` that begin no later than `until`.
    public func countExecutions(of pc: UInt32, until: DeviceTime) {
        debugState?.counter = (pc & ~1, until, 0)
    }

    /// Stops counting and returns the count.
    public func takeExecutionCount() -> Int {
        let n = debugState?.counter?.count ?? 0
        debugState?.counter = nil
        return n
    }

    /// A watchpoint that fired on the call's last instruction, before it could halt.
    public func takeWatchHit() -> (kind: DebugWatchKind, address: UInt32)? {
        defer { debugState?.lastWatchHit = nil }
        return debugState?.lastWatchHit
    }

    /// The device time at the start of the instruction the core is halted at. The clock
    /// charges a block's instructions when the block is entered; while halted inside one,
    /// the instructions not yet executed are taken off, so that a step moves this time by
    /// exactly what the instruction cost.
    public var instructionTime: DeviceTime {
        guard let d = debugState, d.isHalted else { return clock.now }
        let remaining = UInt64(d.blockInstructions &- min(d.currentIndex, d.blockInstructions))
        let hz = clock.coreFrequencyHz
        guard hz > 0 else { return clock.now }
        let span = DeviceTime.cycles(remaining, atHertz: hz)
        return span <= clock.now ? clock.now - span : .zero
    }

    /// Host time spent halted in the current call (the call's host guard does not count it).
    var debugHaltedDuration: Duration {
        .nanoseconds(Int64(clamping: debugState?.haltedNanoseconds ?? 0))
    }

    // MARK: hooks (debugging only)

    func debugBlock() {
        guard let d = debugState else { return }
        d.indexInBlock = 0
        d.blockInstructions = run.lastSlot >= 0 && run.lastSlot < profile.records.count ? profile.records[run.lastSlot].instructions : 1
    }

    func debugInstruction(_ pc: UInt32) {
        guard let d = debugState, run.stop == nil else { return }
        d.currentIndex = d.indexInBlock
        d.indexInBlock &+= 1
        if let c = d.counter, c.pc == pc, clock.now <= c.until { d.counter?.count += 1 }
        guard d.delegate != nil else { return }
        var reason: MachineHalt?
        if d.stepping {
            reason = .step
        } else if d.haltNext {
            reason = .requested
        } else if d.softwareBreakpoints.contains(pc) {
            reason = .breakpoint(hardware: false)
        } else if d.hardwareBreakpoints.contains(pc) {
            reason = .breakpoint(hardware: true)
        }
        if let o = d.occurrence, o.pc == pc {
            if o.remaining <= 1 {
                d.occurrence = nil
                reason = reason ?? .requested
            } else {
                d.occurrence = (o.pc, o.remaining - 1)
            }
        }
        if reason == nil {
            d.pollCountdown -= 1
            if d.pollCountdown <= 0 {
                d.pollCountdown = DebugState.pollInterval
                if d.delegate?.interruptRequested() == true { reason = .interrupted }
            }
        }
        if let reason { debugHalt(reason, pc: pc) }
    }

    func debugAccess(write: Bool, address: UInt32, size: UInt32) {
        guard let d = debugState, !d.watchpoints.isEmpty, run.stop == nil, d.delegate != nil else { return }
        let access = UInt64(address)..<(UInt64(address) + UInt64(size))
        for w in d.watchpoints where w.range.overlaps(access) {
            let fires: Bool = switch w.kind {
            case .write: write
            case .read: !write
            case .access: true
            }
            guard fires else { continue }
            let hit = max(UInt32(truncatingIfNeeded: w.range.lowerBound), address)
            d.lastWatchHit = (w.kind, hit)
            debugHalt(.watchpoint(w.kind, address: hit), pc: hot.pointee.lastPC)
            d.lastWatchHit = nil
            return
        }
    }

    private func debugHalt(_ reason: MachineHalt, pc: UInt32) {
        guard let d = debugState, let delegate = d.delegate else { return }
        d.haltNext = false
        d.stepping = false
        d.isHalted = true
        let started = hostNanoseconds()
        let action = delegate.machine(self, haltedAt: pc, because: reason)
        let halted = hostNanoseconds() &- started
        d.isHalted = false
        // Thinking time at the debugger is not the loader's: the host guard waits.
        run.hostDeadlineNanoseconds &+= halted
        d.haltedNanoseconds &+= halted
        d.pollCountdown = DebugState.pollInterval
        switch action {
        case .run: break
        case .step: d.stepping = true
        case .detach: detachDebugger()
        }
    }

    /// Forgets the delegate and every stop point; the hooks stay and return at once.
    public func detachDebugger() {
        guard let d = debugState else { return }
        d.delegate = nil
        d.softwareBreakpoints.removeAll()
        d.hardwareBreakpoints.removeAll()
        d.watchpoints.removeAll()
        d.stepping = false
        d.haltNext = false
        d.occurrence = nil
    }

    /// Called by `call` when a call starts.
    func debugCallWillStart() {
        debugState?.haltedNanoseconds = 0
    }

    // MARK: registers GDB shows beyond CoreRegister

    /// D0–D15 (the FPU's double registers; S2n and S2n+1 are their halves).
    public func readDoubleRegister(_ index: Int) -> UInt64 {
        guard (0..<16).contains(index) else { return 0 }
        var value: UInt64 = 0
        _ = uc_reg_read(engine, Int32(UC_ARM_REG_D0.rawValue) + Int32(index), &value)
        return value
    }

    public func writeDoubleRegister(_ index: Int, _ value: UInt64) {
        guard (0..<16).contains(index) else { return }
        var v = value
        _ = uc_reg_write(engine, Int32(UC_ARM_REG_D0.rawValue) + Int32(index), &v)
    }

    public var fpscr: UInt32 {
        get {
            var value: UInt32 = 0
            _ = uc_reg_read(engine, Int32(UC_ARM_REG_FPSCR.rawValue), &value)
            return value
        }
        set {
            var v = newValue
            _ = uc_reg_write(engine, Int32(UC_ARM_REG_FPSCR.rawValue), &v)
        }
    }

    // MARK: memory as a debugger sees it

    /// What a debugger reads at `address`: RAM as it is; a peripheral's registers only where
    /// the model can tell their value without the side effects of a bus read.
    public func debugRead(at address: UInt32, count: Int) -> Result<[UInt8], DebugMemoryError> {
        guard count > 0 else { return .success([]) }
        if let bytes = try? readMemory(at: address, count: count) { return .success(bytes) }
        var out: [UInt8] = []
        out.reserveCapacity(count)
        var cursor = address
        while out.count < count {
            guard let mapping = mappings.first(where: { cursor >= $0.base && UInt64(cursor) < UInt64($0.base) + UInt64(regionSize(of: $0)) }) else {
                if let bytes = try? readMemory(at: cursor, count: 1) { out += bytes; cursor &+= 1; continue }
                return .failure(.unmapped(address: cursor))
            }
            guard let readable = mapping.peripheral as? any DebugReadable else {
                return .failure(.notReadable(address: cursor, peripheral: mapping.peripheral.name))
            }
            let offset = cursor - mapping.base
            guard let word = readable.debugRead(offset: offset & ~3) else {
                return .failure(.notReadable(address: cursor, peripheral: mapping.peripheral.name))
            }
            out.append(UInt8(truncatingIfNeeded: word >> ((offset & 3) * 8)))
            cursor &+= 1
        }
        return .success(out)
    }

    /// A debugger's write to RAM. False (nothing written) when it would change code the core
    /// has translated: flushing Unicorn's translations from inside a hook is not safe.
    public func debugWrite(_ bytes: [UInt8], at address: UInt32) throws(MachineError) -> Bool {
        let end = UInt64(address) + UInt64(bytes.count)
        if debugState?.isHalted == true, end <= 0x1_0000_0000,
           profile.translatedBlockOverlaps(address..<UInt32(truncatingIfNeeded: min(end, 0xFFFF_FFFF))) {
            return try readMemory(at: address, count: bytes.count) == bytes
        }
        try writeMemory(bytes, at: address)
        return true
    }

    private func regionSize(of mapping: MMIOMapping) -> UInt32 {
        regions.first { $0.base == mapping.base }?.size ?? 0
    }

    /// The peripheral mapped at `address`, and the offset into it.
    public func peripheral(at address: UInt32) -> (peripheral: any Peripheral, offset: UInt32)? {
        guard let region = regions.first(where: { $0.contains(address) }), case .mmio = region.kind,
              let mapping = mappings.first(where: { $0.base == region.base }) else { return nil }
        return (mapping.peripheral, address - region.base)
    }
}

/// A peripheral whose register values a debugger may read without changing anything.
public protocol DebugReadable: Peripheral {
    /// The 32-bit register at `offset` (word aligned) as a read would return it, or nil
    /// when reading it has side effects (a FIFO, a flag cleared on read).
    func debugRead(offset: UInt32) -> UInt32?
}

public enum DebugMemoryError: Error, Equatable, Sendable {
    case unmapped(address: UInt32)
    case notReadable(address: UInt32, peripheral: String)
}
