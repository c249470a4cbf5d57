import CBusWindow
import CUnicorn
import CUnicornStores
import VirtualTime

/// An emulated Cortex-M33: Unicorn 2.0.1 for the instructions, the machine for everything
/// Unicorn leaves out.
///
/// ```
///   call(entry, args) ──► uc_emu_start ──► Thumb-2 code
///        ▲                    │  UC_HOOK_BLOCK (C; Swift near a limit or an event): count
///        │                    │     instructions, advance VirtualClock, budget / device-time
///        │                    │     limit, SysTick wrap, pended exceptions
///        │                    │  UC_HOOK_CODE: exact PC of every instruction (MMIO events,
///        │                    │     fault PCs) and CPACR checks before FP instructions
///        │                    │  uc_mmio_map: Peripheral models (STM32U5, the SCS below);
///        │                    │     aligned peripheral accesses reach them from the
///        │                    │     interposed softmmu helper (`routesMMIODirectlyWhenPossible`)
///        │                    │  UC_HOOK_MEM_*: unmapped accesses, unaligned Device accesses
///   CallOutcome ◄─────────────┘  UC_HOOK_INTR: SVC, BKPT, other CPU exceptions
/// ```
/// The machine owns the `uc_engine` and frees it in `deinit`. It maps the ARMv8-M System
/// Control Space itself (SysTick, NVIC, SCB, DCB at 0xE000_E000 and DWT at 0xE000_1000);
/// everything else — the STM32U5G7's flash at 0x0800_0000 (4 MiB), SRAM1–6 at
/// 0x2000_0000–0x202E_FFFF, SRAM4 at 0x2800_0000 (16 KiB), the peripherals — the SoC layer
/// maps with `mapRAM` and `map(_:base:size:)`: CortexM knows nothing of STM32.
///
/// Precision: the PC given to peripherals (`clock.currentPC`) and in faults is the exact
/// instruction, because a UC_HOOK_CODE hook over all code makes Unicorn synchronise the PC
/// before every instruction (without it, Unicorn 2.0.1 reports the start of the translated
/// block in MMIO callbacks and after a memory fault). Time advances one core cycle per
/// instruction at `clock.coreFrequencyHz`, charged when a block is entered; exceptions
/// (SysTick, pended) are taken at block boundaries.
///
/// Single-threaded and not `Sendable`: one machine per board, used from one thread.
public final class Machine {
    public let clock: VirtualClock
    /// The SCS models, for callers that need to set reset values (e.g. VTOR) or inspect them.
    public let systemControl: SystemControlSpace
    public let dwt: DataWatchpointTrace
    /// What the core and system control space recorded. The session drains it.
    public var events: [Timestamped<MachineEvent>] {
        get { log.events }
        set { log.events = newValue }
    }
    public var symbols: [MachineSymbol] = [] {
        didSet { symbolTable = SymbolTable(symbols) }
    }
    public private(set) var regions: [MemoryRegion] = []
    /// Registers when the last call stopped.
    public internal(set) var lastRegisters: RegisterSnapshot?
    /// Instructions retired since the machine was built (block-entry accounting).
    public var totalInstructions: UInt64 { run.totalInstructions }
    /// Peripheral accesses the emulated core made since the machine was built (folded wait
    /// loops' replayed ones not counted): with `ramStores`, what a session's host time follows.
    public var busAccesses: UInt64 { run.busAccesses }
    /// Those of `busAccesses` a model's `BusWindow` answered in C, with no call into Swift.
    public var busWindowAccesses: UInt64 { run.windowAccesses }
    /// Guest stores to RAM since the machine was built that left the translated code for
    /// Unicorn's store helper and its self-modifying-code check (`CUnicornStores`): stores to
    /// pages that hold code, and all of them while a memory hook must see each one. Counted
    /// only while `skipsStoreLocks`; zero otherwise.
    public var ramStores: UInt64 { run.ramStores }

    let engine: OpaquePointer
    let log: EventLog
    var symbolTable = SymbolTable()
    var mappings: [MMIOMapping] = []
    /// RAM not yet mapped in Unicorn (`mapRAM(…, onFirstAccess: true)`).
    var deferredRAM: [DeferredRAM] = []
    /// Mapped, not yet handed to Unicorn (`mapPendingMMIO`).
    var pendingMMIO: [MMIOMapping] = []
    /// What Unicorn holds as MMIO regions (kept alive: Unicorn has their unretained pointers),
    /// and the C context of each (`CBusWindow`), freed with the machine.
    var spans: [MMIOSpan] = []
    var spanContexts: [UnsafeMutablePointer<loaderlab_mmio_span>] = []
    /// The recipes and the one open window the C MMIO callbacks read (`BusWindow`).
    let bus: UnsafeMutablePointer<loaderlab_bus>
    /// Whose window is open.
    var windowMapping: MMIOMapping?
    /// Models may answer their hot registers from C (`WindowedPeripheral`): exact, so off
    /// only to compare both.
    public var opensBusWindows = true
    /// Repeated device-register reads of the current call (see `pollRuns`).
    var pollWatch = PollWatch()
    var hooks: [uc_hook] = []
    /// The Device-region memory hooks, when installed (`setDeviceAccessHooks`).
    var deviceHooks: [uc_hook] = []
    /// Decoded load/store of each PC that reached a Device-region MMIO callback (nil: not one
    /// the decoder covers). Cleared with the translations when code is rewritten. The last
    /// ones looked up are mirrored in `bus.recipes`, direct-mapped by PC (`mirroredRecipe`).
    var accessRecipes: [UInt32: LoadStoreDecoder.Recipe?] = [:]
    // Per-call run state and block profile, touched by the hooks on every block: kept in
    // raw memory behind addressors so that the hooks pay no dynamic exclusivity checks.
    private let runStorage: UnsafeMutablePointer<RunState>
    private let profileStorage: UnsafeMutablePointer<BlockProfile>
    var run: RunState {
        unsafeAddress { UnsafePointer(runStorage) }
        unsafeMutableAddress { runStorage }
    }
    var profile: BlockProfile {
        unsafeAddress { UnsafePointer(profileStorage) }
        unsafeMutableAddress { profileStorage }
    }
    /// What the per-instruction hook touches, in raw memory: the hottest callback pays no
    /// exclusivity checks (a class's stored struct would).
    let hot: UnsafeMutablePointer<loaderlab_hot_state>
    /// What the per-block hook touches (`run` and `profile` hold it too).
    let block: UnsafeMutablePointer<loaderlab_block_state>
    /// Guest stores skip Unicorn 2.0.1's page-lock bookkeeping, and stores to RAM pages that
    /// hold no code take the translated code's inline path instead of the store helper
    /// (`CUnicornStores`): the same emulation, a fraction of a store's host cost. Off only to
    /// compare both.
    public var skipsStoreLocks = true
    /// Whether libunicorn's calls reach `CUnicornStores` (Linux: yes).
    public static var storePathInterposed: Bool { loaderlab_store_path_interposed() }
    /// 1 KiB pages code was looked up or translated in (what keeps its stores on the slow path).
    public var codePages: UInt64 { loaderlab_store_path_code_pages(storePath) }
    /// TLB fills of RAM pages that were made dirty, so that stores there stay inline.
    public var dirtyPageFills: UInt64 { loaderlab_store_path_dirty_fills(storePath) }
    /// The code pages of this machine's engine (`CUnicornStores`).
    let storePath: OpaquePointer?
    /// Stores to data pages take the inline path in this run (chosen in `call` before each
    /// `uc_emu_start`; a fold check turns it off while it lasts).
    var fastStoresInRun = false
    /// Breakpoints, watchpoints and stepping; nil (and no debug hooks) unless a debugger
    /// was enabled (`MachineDebugger.swift`).
    var debugState: DebugState? {
        didSet { updateFolding() }
    }
    /// The PC of each bus access and fault comes from the host code that made it
    /// (`CUnicornStores`) instead of a hook before every instruction: the same PCs, one call
    /// fewer per guest instruction. Taken where libunicorn's calls reach `CUnicornStores` and
    /// a check on known PCs passes (`HostPCCheck`); set before the first call. The hook comes
    /// back for a debugger, and once a block with FP instructions runs (their NOCP check is per
    /// instruction).
    public var takesPCFromHostWhenPossible = false {
        didSet { updatePCSource() }
    }
    /// Whether it is taken now (the MMIO callbacks read it from the bus).
    public var pcFromHost: Bool { bus.pointee.pcFromHost }
    var codeHook: uc_hook?
    /// The machine `HostPCCheck` runs: it takes PCs from the host unchecked.
    var checkingHostPC = false
    /// Whether this process's libunicorn gives the right PCs that way (`HostPCCheck`, run once).
    public static var hostPCCheckPasses: Bool { HostPCCheck.passes }
    /// Code has run: Unicorn has translated it with the hooks of the time.
    var hasRun = false
    /// Whether libunicorn's softmmu helpers, `restore_state_to_opc_arm` and `tb_flush_arm`
    /// reach `CUnicornStores` (Linux: yes).
    public static var accessPCInterposed: Bool { loaderlab_access_pc_interposed() }
    /// Host return addresses mapped to guest PCs through QEMU's search data (each once per
    /// access site and translation), and guest accesses whose PC was not found (zero).
    public var accessPCLookups: UInt64 { loaderlab_access_pc_lookups(storePath) }
    public var unresolvedAccessPCs: UInt64 { loaderlab_access_pc_unresolved(storePath) }
    /// Aligned loads and stores to the peripherals go from libunicorn's helper straight to the
    /// MMIO callbacks, without Unicorn's region search, hook walk and memory-API dispatch
    /// (`CUnicornStores`): the same callbacks with the same offsets, sizes and values. Taken
    /// where the interposed helpers pass `HostPCCheck`, for runs with no memory hook that
    /// could see a peripheral access (a debugger's, the Device-region ones).
    public var routesMMIODirectlyWhenPossible = false
    /// Whether this run may take it (chosen in `call` before each `uc_emu_start`).
    var routesMMIODirectlyInRun: Bool {
        routesMMIODirectlyWhenPossible && !memoryHooksWatchEveryAccess && interposedHelpersTrusted
    }
    /// The interposed helpers may be relied on: `HostPCCheck` passed, or this is its machine.
    var interposedHelpersTrusted: Bool {
        checkingHostPC ? Self.accessPCInterposed : HostPCCheck.passes
    }
    /// A debugger's or the Device-region memory hooks must see every access: no shortcut may
    /// take one past Unicorn's store and load helpers (fast stores, the direct route, windows).
    var memoryHooksWatchEveryAccess: Bool { debugState != nil || !deviceHooks.isEmpty }
    /// Peripheral accesses made through that route (`routesMMIODirectlyWhenPossible`).
    public var directMMIOAccesses: UInt64 { loaderlab_store_path_direct_accesses(storePath) }
    /// Software wait loops are folded into clock jumps (`WaitLoopFold`): exact, so off only
    /// to show that, and while a debugger is attached (a breakpoint in a folded turn must stop).
    public var foldsWaitLoopsWhenPossible = true {
        didSet { updateFolding() }
    }
    private(set) var foldsWaitLoops = true
    var fold = WaitLoopFold()

    private func updateFolding() {
        foldsWaitLoops = foldsWaitLoopsWhenPossible && debugState == nil
        if !foldsWaitLoops { foldEndRun() }
    }

    public init(clock: VirtualClock) throws(MachineError) {
        self.clock = clock
        log = EventLog(clock: clock)
        systemControl = SystemControlSpace(clock: clock, log: log)
        dwt = DataWatchpointTrace(clock: clock, debug: systemControl.debug, log: log)
        hot = UnsafeMutablePointer<loaderlab_hot_state>.allocate(capacity: 1)
        hot.initialize(to: loaderlab_hot_state(lastPC: 0, fpWatch: false, machine: nil, checkCoprocessorAccess: coprocessorCheckCallback))
        block = UnsafeMutablePointer<loaderlab_block_state>.allocate(capacity: 1)
        block.initialize(to: loaderlab_block_state())
        block.pointee.now = clock.nowPicoseconds
        block.pointee.coreHz = UnsafePointer(clock.coreFrequencyStorage)
        block.pointee.signals = UnsafePointer(systemControl.signals.storage)
        block.pointee.hot = hot
        block.pointee.maxInstructions = .max
        block.pointee.deadline = DeviceTime.never.picoseconds
        block.pointee.lastSlot = -1
        block.pointee.frequencyMayHaveChanged = true
        block.pointee.blockWillExecute = blockWillExecuteCallback
        runStorage = UnsafeMutablePointer<RunState>.allocate(capacity: 1)
        runStorage.initialize(to: RunState(block: block))
        profileStorage = UnsafeMutablePointer<BlockProfile>.allocate(capacity: 1)
        profileStorage.initialize(to: BlockProfile(block: block))
        bus = UnsafeMutablePointer<loaderlab_bus>.allocate(capacity: 1)
        bus.initialize(to: loaderlab_bus())
        bus.pointee.lastPC = UnsafeMutableRawPointer(hot).advanced(by: MemoryLayout<loaderlab_hot_state>.offset(of: \.lastPC)!)
            .assumingMemoryBound(to: UInt32.self)
        storePath = loaderlab_store_path_create()
        bus.pointee.pcSource = UnsafeMutableRawPointer(storePath)
        var handle: OpaquePointer?
        let mode = uc_mode(UC_MODE_THUMB.rawValue | UC_MODE_MCLASS.rawValue)
        let err = uc_open(UC_ARCH_ARM, mode, &handle)
        guard err == UC_ERR_OK, let handle else {
            hot.deallocate()
            runStorage.deinitialize(count: 1)
            runStorage.deallocate()
            profileStorage.pointee.deallocate()
            profileStorage.deinitialize(count: 1)
            profileStorage.deallocate()
            block.deallocate()
            bus.deallocate()
            loaderlab_store_path_destroy(storePath)
            throw Self.failure("uc_open(ARM, THUMB|MCLASS)", err)
        }
        engine = handle
        hot.pointee.machine = Unmanaged.passUnretained(self).toOpaque()
        block.pointee.machine = hot.pointee.machine
        let modelErr = loaderlab_uc_set_cpu_model(engine, Int32(UC_CPU_ARM_CORTEX_M33.rawValue))
        // From here `self` is fully initialized: a throw releases it and `deinit` frees
        // the engine and the hot state.
        guard modelErr == UC_ERR_OK else { throw Self.failure("uc_ctl(CPU_MODEL, CORTEX_M33)", modelErr) }
        try installHooks()
        try map(systemControl, base: SystemControlSpace.base, size: 0x1000)
        try map(dwt, base: 0xE000_1000, size: 0x1000)
    }

    deinit {
        for hook in hooks { uc_hook_del(engine, hook) }
        uc_close(engine)
        loaderlab_store_path_destroy(storePath)
        hot.deinitialize(count: 1)
        hot.deallocate()
        runStorage.deinitialize(count: 1)
        runStorage.deallocate()
        profileStorage.pointee.deallocate()
        profileStorage.deinitialize(count: 1)
        profileStorage.deallocate()
        block.deallocate()
        bus.deallocate()
        for context in spanContexts { context.deallocate() }
    }

    static func failure(_ operation: String, _ err: uc_err) -> MachineError {
        .unicorn(operation: operation, code: err.rawValue, message: String(cString: uc_strerror(err)))
    }

    // MARK: memory map

    private func checkNewRegion(name: String, base: UInt32, size: UInt32) throws(MachineError) {
        let end = UInt64(base) + UInt64(size)
        guard size > 0, base % 0x400 == 0, size % 0x400 == 0, end <= 0x1_0000_0000 else {
            throw .misalignedRegion(name: name, base: base, size: size)
        }
        if let other = regions.first(where: { UInt64($0.base) < end && UInt64(base) < $0.end }) {
            throw .overlappingRegion(name: name, base: base, size: size, existing: other.description)
        }
    }

    /// Maps plain read/write/execute memory (internal flash is RAM to the core: programming
    /// it is the SoC model's business).
    ///
    /// `onFirstAccess`: Unicorn maps it only when the guest first touches it (`DeferredRAM`),
    /// for memory that lies below the RAM a loader runs in and is seldom used.
    public func mapRAM(name: String, base: UInt32, size: UInt32, onFirstAccess: Bool = false) throws(MachineError) {
        try checkNewRegion(name: name, base: base, size: size)
        if onFirstAccess {
            deferredRAM.append(DeferredRAM(name: name, base: base, size: size))
        } else {
            let err = uc_mem_map(engine, UInt64(base), Int(size), UInt32(UC_PROT_ALL.rawValue))
            guard err == UC_ERR_OK else { throw Self.failure("uc_mem_map(\(name))", err) }
        }
        regions.append(MemoryRegion(name: name, base: base, size: size, kind: .ram))
        regions.sort { $0.base < $1.base }
    }

    /// Routes bus accesses in `base ..< base + size` to `peripheral`, with offsets from `base`.
    /// Accesses in the ARMv8-M default map's Device regions (0x4000_0000–0x5FFF_FFFF,
    /// 0xA000_0000 and up) must be naturally aligned; the External RAM region
    /// (0x6000_0000–0x9FFF_FFFF, e.g. the OCTOSPI memory-mapped window) is Normal memory,
    /// where Unicorn splits an unaligned access into aligned ones as the bus would.
    ///
    /// Unicorn sees the mappings only when the first call starts (`mapPendingMMIO`), joined
    /// into one region per contiguous run.
    public func map(_ peripheral: any Peripheral, base: UInt32, size: UInt32) throws(MachineError) {
        try checkNewRegion(name: peripheral.name, base: base, size: size)
        let mapping = MMIOMapping(peripheral: peripheral, base: base, size: size, machine: self,
                                  isSystemControl: peripheral === systemControl, index: mappings.count)
        mappings.append(mapping)
        pendingMMIO.append(mapping)
        regions.append(MemoryRegion(name: peripheral.name, base: base, size: size, kind: .mmio(peripheral: peripheral.name)))
        regions.sort { $0.base < $1.base }
    }

    /// Hands the mappings made since the last call to Unicorn, one `uc_mmio_map` per run of
    /// contiguous ones. Unicorn 2.0.1 finds the region of every slow-path access (each MMIO
    /// access and each guest store to RAM) by a binary search over all its regions, with a
    /// one-entry cache it never refills: the STM32U5G7's peripheral space (21 register
    /// blocks, their secure aliases and 21 gaps) is one region instead of 63. With `DeferredRAM`
    /// this took Unicorn's lookup from 9.4 % to 3.3 % of a third-party loader's session
    /// (docs/benchmarks.md). The span dispatches to the member in Swift.
    public func mapPendingMMIO() throws(MachineError) {
        guard !pendingMMIO.isEmpty else { return }
        let sorted = pendingMMIO.sorted { $0.base < $1.base }
        pendingMMIO = []
        var run: [MMIOMapping] = []
        func flush() throws(MachineError) {
            guard let first = run.first, let last = run.last else { return }
            let span = MMIOSpan(members: run)
            let context = UnsafeMutablePointer<loaderlab_mmio_span>.allocate(capacity: 1)
            context.initialize(to: loaderlab_mmio_span(bus: bus, swiftSpan: Unmanaged.passUnretained(span).toOpaque(),
                                                       read: mmioReadCallback, write: mmioWriteCallback))
            spanContexts.append(context)
            for mapping in run {
                mapping.spanContext = context
                mapping.spanBase = first.base
            }
            let size = Int(UInt64(last.base) + UInt64(last.size) - UInt64(first.base))
            let err = uc_mmio_map(engine, UInt64(first.base), size, loaderlab_mmio_read, context, loaderlab_mmio_write, context)
            guard err == UC_ERR_OK else { throw Self.failure("uc_mmio_map(\(run.map(\.peripheral.name).joined(separator: ", ")))", err) }
            // The same callbacks and context for the direct route (refused at the System PPB),
            // told that its accesses are whole and aligned.
            _ = loaderlab_store_path_add_direct_span(storePath, engine, first.base, UInt32(size), loaderlab_mmio_read_aligned, loaderlab_mmio_write_aligned, context)
            spans.append(span)
            run = []
        }
        for mapping in sorted {
            if let last = run.last, UInt64(last.base) + UInt64(last.size) != UInt64(mapping.base) { try flush() }
            run.append(mapping)
        }
        try flush()
    }

    private func checkRAM(_ address: UInt32, count: Int) throws(MachineError) {
        guard count >= 0 else { throw .notRAM(address: address, count: count) }
        var cursor = UInt64(address)
        let end = UInt64(address) + UInt64(count)
        while cursor < end {
            guard let region = regions.first(where: { $0.kind == .ram && UInt64($0.base) <= cursor && cursor < $0.end }) else {
                throw .notRAM(address: address, count: count)
            }
            cursor = region.end
        }
    }

    public func writeMemory(_ bytes: [UInt8], at address: UInt32) throws(MachineError) {
        guard !bytes.isEmpty else { return }
        try checkRAM(address, count: bytes.count)
        if let region = try deferredRegion(holding: address, count: bytes.count) {
            return region.write(bytes, at: address)
        }
        // The programmer downloads the same loader before every operation: only the bytes
        // that change (its .bss, .data) can invalidate translations, and a flush costs
        // Unicorn 2.0.1 a memset of its whole 1 GiB code buffer (seconds, and that much
        // resident memory), so flush only when a changed byte lies in a translated block.
        var changed: Range<UInt32>?
        if profile.touchesCode(address, count: bytes.count) {
            changed = try changedRange(writing: bytes, at: address)
            guard changed != nil else { return }
        }
        let err = bytes.withUnsafeBytes { uc_mem_write(engine, UInt64(address), $0.baseAddress, $0.count) }
        guard err == UC_ERR_OK else { throw Self.failure("uc_mem_write", err) }
        if let changed, profile.translatedBlockOverlaps(changed) {
            invalidateCode(address, count: bytes.count)
        }
    }

    /// The span from the first to the last byte that `bytes` would change, nil if none.
    private func changedRange(writing bytes: [UInt8], at address: UInt32) throws(MachineError) -> Range<UInt32>? {
        let old = try readMemory(at: address, count: bytes.count)
        guard let first = bytes.indices.first(where: { bytes[$0] != old[$0] }),
              let last = bytes.indices.last(where: { bytes[$0] != old[$0] }) else { return nil }
        return (address &+ UInt32(first))..<(address &+ UInt32(last) &+ 1)
    }

    public func readMemory(at address: UInt32, count: Int) throws(MachineError) -> [UInt8] {
        guard count > 0 else { return [] }
        try checkRAM(address, count: count)
        if let region = try deferredRegion(holding: address, count: count) { return region.read(at: address, count: count) }
        var bytes = [UInt8](repeating: 0, count: count)
        let err = bytes.withUnsafeMutableBytes { uc_mem_read(engine, UInt64(address), $0.baseAddress, $0.count) }
        guard err == UC_ERR_OK else { throw Self.failure("uc_mem_read", err) }
        return bytes
    }

    public func fill(_ byte: UInt8, range: Range<UInt32>) throws(MachineError) {
        try fill(pattern: [byte], range: range)
    }

    /// Repeats `pattern` over `range`, starting with its first byte at `range.lowerBound`.
    public func fill(pattern: [UInt8], range: Range<UInt32>) throws(MachineError) {
        guard !pattern.isEmpty, !range.isEmpty else { return }
        try checkRAM(range.lowerBound, count: range.count)
        // Filling is rare (the programmer's RAM garbage): Unicorn's copy of the region is used.
        if let region = try deferredRegion(holding: range.lowerBound, count: range.count) { try mapDeferred(region) }
        let chunkSize = 64 * 1024
        var chunk = [UInt8]()
        chunk.reserveCapacity(chunkSize + pattern.count)
        while chunk.count < chunkSize { chunk.append(contentsOf: pattern) }
        let period = chunk.count - chunk.count % pattern.count
        var cursor = UInt64(range.lowerBound)
        let end = UInt64(range.upperBound)
        while cursor < end {
            let n = Int(min(UInt64(period), end - cursor))
            let err = chunk.withUnsafeBytes { uc_mem_write(engine, cursor, $0.baseAddress, n) }
            guard err == UC_ERR_OK else { throw Self.failure("uc_mem_write", err) }
            cursor += UInt64(n)
        }
        invalidateCodeIfRewritten(range.lowerBound, count: range.count)
    }

    public func readWord(at address: UInt32) throws(MachineError) -> UInt32 {
        let b = try readMemory(at: address, count: 4)
        return UInt32(b[0]) | UInt32(b[1]) << 8 | UInt32(b[2]) << 16 | UInt32(b[3]) << 24
    }

    public func writeWord(_ value: UInt32, at address: UInt32) throws(MachineError) {
        try writeMemory([UInt8(truncatingIfNeeded: value), UInt8(truncatingIfNeeded: value >> 8),
                         UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 24)], at: address)
    }

    /// Unicorn 2.0.1 does not retranslate code that the host rewrites: flush its translation
    /// cache, and the machine's block shapes, when a host write lands on code that ran.
    private func invalidateCodeIfRewritten(_ address: UInt32, count: Int) {
        guard profile.touchesCode(address, count: count) else { return }
        invalidateCode(address, count: count)
    }

    private func invalidateCode(_ address: UInt32, count: Int) {
        _ = loaderlab_uc_flush_tb(engine)
        profile.removeAll()
        forgetAccessRecipes()
        run.lastSlot = -1
        log.record(.codeRewritten(address: address, count: count))
    }

    // MARK: registers

    public func readRegister(_ register: CoreRegister) -> UInt32 {
        var value: UInt32 = 0
        _ = uc_reg_read(engine, register.unicornID, &value)
        return value
    }

    public func writeRegister(_ register: CoreRegister, _ value: UInt32) {
        var v = value
        _ = uc_reg_write(engine, register.unicornID, &v)
    }

    func snapshotRegisters() -> RegisterSnapshot {
        let low: [CoreRegister] = [.r0, .r1, .r2, .r3, .r4, .r5, .r6, .r7, .r8, .r9, .r10, .r11, .r12]
        return RegisterSnapshot(r: low.map(readRegister), sp: readRegister(.sp), lr: readRegister(.lr),
                                pc: readRegister(.pc), xpsr: readRegister(.xpsr), primask: readRegister(.primask))
    }

    func locate(_ pc: UInt32) -> SymbolLocation? { symbolTable.locate(pc) }

    /// Code was rewritten: its decoded loads and stores no longer hold.
    func forgetAccessRecipes() {
        accessRecipes.removeAll()
        forgetMirroredRecipes()
    }

    /// The device registers read at least `minimum` times in a row with the same value
    /// since the last `call` began, longest first: what the code waited on.
    public func pollRuns(minimum: UInt64) -> [PollRun] { pollWatch.longest(minimum: minimum) }

    /// Reads a word of RAM, or nil when the address is not RAM.
    func peekWord(_ address: UInt32) -> UInt32? {
        try? readWord(at: address)
    }
}

/// One peripheral's range of the bus.
final class MMIOMapping {
    let peripheral: any Peripheral
    let base: UInt32
    let size: UInt32
    /// Unretained (the machine owns its mappings), so that the MMIO callbacks reach it
    /// without a retain and release per access.
    let machine: Unmanaged<Machine>
    let isSystemControl: Bool
    /// Device memory (ARMv8-M default map) requires aligned accesses.
    let isDevice: Bool
    /// Its place in `Machine.mappings`.
    let index: Int
    /// The model, when it can answer its hot registers from a `BusWindow`.
    let windowed: (any WindowedPeripheral)?
    /// The C context of the region Unicorn has it in, and that region's base.
    var spanContext: UnsafeMutablePointer<loaderlab_mmio_span>?
    var spanBase: UInt32 = 0

    init(peripheral: any Peripheral, base: UInt32, size: UInt32, machine: Machine, isSystemControl: Bool, index: Int) {
        self.peripheral = peripheral
        self.base = base
        self.size = size
        self.index = index
        self.machine = Unmanaged.passUnretained(machine)
        self.isSystemControl = isSystemControl
        windowed = peripheral as? any WindowedPeripheral
        isDevice = (base >= 0x4000_0000 && base < 0x6000_0000) || base >= 0xA000_0000
    }
}

/// The context handed to Unicorn for one region: contiguous mappings, sorted by base. A
/// driver touches one peripheral many times in a row (an OCTOSPI's DR and SR for a whole
/// page), so the member of the last access is tried first, then a binary search.
///
/// Members are held unretained (`Machine.mappings` owns them) and handed to the callbacks
/// as such: every retain and release here would be paid on each MMIO access.
final class MMIOSpan {
    private let members: [Unmanaged<MMIOMapping>]
    /// Each member's start as an offset from the span's base, and its end.
    private let starts: [UInt32]
    private let ends: [UInt32]
    private var lastMember = 0

    init(members: [MMIOMapping]) {
        precondition(!members.isEmpty)
        let base = members[0].base
        self.members = members.map { Unmanaged.passUnretained($0) }
        starts = members.map { $0.base &- base }
        ends = members.map { $0.base &- base &+ $0.size }
    }

    /// The member that holds `offset` (from the span's base), and the offset into it.
    /// Members cover the span without gaps, so every offset Unicorn hands over has one.
    @inline(__always)
    func member(at offset: UInt32) -> (mapping: Unmanaged<MMIOMapping>, offset: UInt32) {
        if offset < starts[lastMember] || offset >= ends[lastMember] {
            var low = 0
            var high = members.count - 1
            while low < high {
                let mid = (low + high + 1) / 2
                if starts[mid] <= offset { low = mid } else { high = mid - 1 }
            }
            lastMember = low
        }
        return (members[lastMember], offset &- starts[lastMember])
    }
}
