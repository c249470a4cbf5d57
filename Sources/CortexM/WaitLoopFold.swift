import CUnicorn
import CUnicornStores
import VirtualTime

/// Folding a software wait loop into a jump of the virtual clock.
///
/// A loader that polls the flash's status register in software (`HAL_OSPI_Command` +
/// `HAL_OSPI_Receive` of 05h, again and again while an erase runs) spends seconds of device
/// time, hundreds of millions of instructions, in a loop whose every turn is the same: the
/// same instructions, the same bus accesses with the same answers, the same registers and
/// RAM at the end as at the start. Nothing in it can change until a model's answer changes
/// on its own (the flash finishes: `Peripheral.quietUntil`) or the core is interrupted
/// (SysTick) or a limit of the call is reached.
///
/// The fold proves that a loop is such a fixed point, then skips the CPU work of the turns
/// that lie wholly before that horizon:
/// 1. *search*: from a device read while the model read is quiet, mark the core's state at
///    each recurrence of that read's instruction until the last two spans between marks are
///    the same turn (same state at both ends, instructions, time and bus accesses);
/// 2. *check*: run one more turn with a RAM write hook: it must make the same accesses (same
///    offsets, values, PCs and times relative to its start), retire the same instructions,
///    end with the same registers, and leave every RAM byte it wrote as it found it;
/// 3. *fold*: replay the turn's bus accesses `k` times into the models, each at the instant
///    and from the PC the core would have made it (so every model event, trace entry and
///    poll count is what the instruction-by-instruction run records), move the clock by
///    `k` turns and charge their instructions and block executions to the call.
///
/// Exact by construction: the same trace, device time, instruction counts and hot blocks as
/// running every turn (`WaitLoopFoldTests`, `WaitLoopFoldSessionTests`, `ExactnessTests` and
/// `RealLoaderTests.fastPathsAreExact` compare both). The
/// one figure that differs is the host work: the call's instruction *budget*, a guard of
/// host time, counts the instructions emulated, not those folded (`RunState.executed`),
/// except in a *stuck* loop, one whose every model answers `.never` (only software could
/// change them: an auto-poll the flash will never match, a flag nothing will raise). Such a
/// loop ends only by a software timeout, a limit of the call or the budget; its folded turns
/// count against the budget, so it stops at the instruction the unfolded run stops at, in
/// seconds instead of minutes (ST's MX25LM51245G loader on a board whose pins it does not
/// route: 20 M turns of `HAL_GetTick` and an SR read).
struct WaitLoopFold {
    enum Phase { case idle, searching, checking }

    /// One bus access of a turn, as the fold replays it.
    struct Access: Equatable {
        var mapping: Int
        var offset: UInt32
        var width: AccessWidth
        var write: Bool
        var value: UInt32
        var pc: UInt32
        /// The clock before and after the access, from the turn's start.
        var at: DeviceTime
        var after: DeviceTime
    }

    /// Where the anchor instruction ran: the core's state and the call's counters then.
    struct Mark {
        var state: [UInt64]
        var time: DeviceTime
        /// `Machine.totalInstructions` then.
        var instructions: UInt64
        /// Index in `accesses` of the anchor access itself.
        var index: Int
    }

    var phase = Phase.idle
    /// Device reads to let pass before searching again, after a loop that is not a fixed point.
    var cooldown = 0
    /// Searches that failed since the call began or the last fold.
    var failures = 0
    var anchorPC: UInt32 = 0
    var anchorAddress: UInt32 = 0
    var marks: [Mark] = []
    var accesses: [Access] = []
    var origin = DeviceTime.zero
    /// The turn the search found (times from its start), what it costs, and the checked
    /// turn's start with each block's executions then.
    var turn: [Access] = []
    var turnInstructions: UInt64 = 0
    var turnSpan = DeviceTime.zero
    var checkStart: Mark?
    var executionsAtCheck: [UInt64] = []
    /// The first value of every RAM byte the checked turn wrote.
    var written: [UInt32: UInt8] = [:]
    /// The checked turn wrote more than `maximumWrittenBytes`: not a wait loop.
    var wroteTooMuch = false
    var writeHooks: [uc_hook] = []

    /// What the fold did in this machine's life (tests and the session report read them).
    var folds: UInt64 = 0
    var foldedTurns: UInt64 = 0
    var foldedInstructions: UInt64 = 0
    /// Replayed reads whose value differed from the checked turn's: a model whose answer
    /// changed before its `quietUntil`. Zero unless a model breaks that promise.
    var replayMismatches: UInt64 = 0

    /// The core registers a turn must leave as it found them (the PC is the anchor's).
    static let stateRegisters: [CoreRegister] = [.r0, .r1, .r2, .r3, .r4, .r5, .r6, .r7, .r8, .r9, .r10, .r11, .r12,
                                                 .sp, .lr, .xpsr, .msp, .psp, .primask, .faultmask, .basepri, .control]
    static let maximumMarks = 24
    static let maximumAccesses = 4_096
    static let maximumTurnInstructions: UInt64 = 2_000_000
    static let maximumWrittenBytes = 65_536
    static let cooldownReads = 256
    /// Reads of one value in a row, with no other device access between them, after which a
    /// register only software can change is searched for a loop: a stuck wait is folded
    /// after this many turns; a transfer loop (data-register writes between its status
    /// reads) never starts a search there.
    static let stuckReads: UInt64 = 1_024
    /// At most this many turns of a stuck loop in one fold: with no budget and no limit of
    /// device time, only the host guard ends it, checked between folds.
    static let maximumStuckTurns: UInt64 = 1 << 24
    /// Fewer turns than this are not worth the check.
    static let minimumTurns: UInt64 = 4
    /// A horizon closer than this is not searched for.
    static let minimumQuiet = DeviceTime.microseconds(20)
}

/// The counters of the wait-loop fold, for tests and benchmarks.
public struct WaitLoopFoldStatistics: Sendable, Equatable {
    public var folds: UInt64
    public var foldedTurns: UInt64
    public var foldedInstructions: UInt64
    public var replayMismatches: UInt64
}

let foldWriteCallback: uc_cb_hookmem_t = { _, _, address, size, _, userData in
    guard let userData else { return }
    Unmanaged<Machine>.fromOpaque(userData).takeUnretainedValue().foldNoteWrite(UInt32(truncatingIfNeeded: address), size: Int(size))
}

extension Machine {
    public var waitLoopFoldStatistics: WaitLoopFoldStatistics {
        WaitLoopFoldStatistics(folds: fold.folds, foldedTurns: fold.foldedTurns,
                               foldedInstructions: fold.foldedInstructions, replayMismatches: fold.replayMismatches)
    }

    /// A search or check that found no fixed point: the next waits `cooldownReads` device
    /// reads, twice as many after each failure in the call (a program loop that touches a
    /// busy flash once per page, ours, stops paying for searches after a few).
    func foldGiveUp() {
        let wait = WaitLoopFold.cooldownReads << min(fold.failures, 12)
        fold.failures += 1
        foldReset(cooldown: wait)
    }

    /// Back to idle; `cooldown` reads pass before the next search. The RAM write hooks stay
    /// until the run ends (`foldEndRun`), but only a check needs every store to reach them:
    /// stores to data pages take the inline path again until the next check.
    func foldReset(cooldown: Int = 0) {
        if fold.phase == .checking, fastStoresInRun { loaderlab_store_path_set_fast_stores(true) }
        fold.phase = .idle
        fold.cooldown = cooldown
        fold.marks.removeAll(keepingCapacity: true)
        fold.accesses.removeAll(keepingCapacity: true)
        fold.turn.removeAll(keepingCapacity: true)
        fold.written.removeAll(keepingCapacity: true)
        fold.wroteTooMuch = false
        fold.checkStart = nil
    }

    /// The state a turn must end with to repeat: the core registers (the PC is the anchor's),
    /// the FPU's, and the exception masks.
    private func foldState() -> [UInt64] {
        var state: [UInt64] = []
        state.reserveCapacity(WaitLoopFold.stateRegisters.count + 33)
        for register in WaitLoopFold.stateRegisters { state.append(UInt64(readRegister(register))) }
        var fpscr: UInt32 = 0
        _ = uc_reg_read(engine, Int32(bitPattern: UC_ARM_REG_FPSCR.rawValue), &fpscr)
        state.append(UInt64(fpscr))
        for index in 0..<32 {
            var d: UInt64 = 0
            _ = uc_reg_read(engine, Int32(bitPattern: UC_ARM_REG_D0.rawValue) + Int32(index), &d)
            state.append(d)
        }
        return state
    }

    /// Called before every MMIO access while folding is on; may fold the loop it closes.
    func foldBeforeAccess(_ mapping: MMIOMapping, offset: UInt32, write: Bool) {
        let pc = hot.pointee.lastPC
        let address = mapping.base &+ offset
        switch fold.phase {
        case .idle:
            guard !write else { return }
            if fold.cooldown > 0 {
                fold.cooldown -= 1
                return
            }
            guard let quiet = mapping.peripheral.quietUntil else { return }
            if quiet == .never {
                // Only software can change the answer: a loop waiting on it is stuck (a flag
                // the flash will never raise) or the read is not a wait at all (a clock
                // setup reading RCC once). Search only where the reads already look stuck.
                guard pollWatch.streak >= WaitLoopFold.stuckReads, pollWatch.streakAddress == address else { return }
            } else {
                guard quiet > clock.now + WaitLoopFold.minimumQuiet else { return }
            }
            fold.phase = .searching
            fold.anchorPC = pc
            fold.anchorAddress = address
            fold.origin = clock.now
            fold.marks = [WaitLoopFold.Mark(state: foldState(), time: clock.now, instructions: run.totalInstructions, index: 0)]
        case .searching:
            if fold.accesses.count > WaitLoopFold.maximumAccesses
                || run.totalInstructions &- fold.marks[0].instructions > WaitLoopFold.maximumTurnInstructions {
                foldGiveUp()
                return
            }
            guard !write, pc == fold.anchorPC, address == fold.anchorAddress else { return }
            let state = foldState()
            let here = WaitLoopFold.Mark(state: state, time: clock.now, instructions: run.totalInstructions, index: fold.accesses.count)
            if let start = repeatingTurnStart(endingAt: here) {
                beginCheck(from: start, state: state)
            } else if fold.marks.count >= WaitLoopFold.maximumMarks {
                foldGiveUp()
            } else {
                fold.marks.append(here)
            }
        case .checking:
            guard fold.accesses.count >= fold.turn.count else { return }
            finishCheck(pc: pc, address: address, write: write)
        }
    }

    /// Records an access the core made (after the model answered).
    @inline(__always)
    func foldAfterAccess(_ mapping: MMIOMapping, offset: UInt32, width: AccessWidth, write: Bool, value: UInt32, before: DeviceTime) {
        guard fold.phase != .idle else { return }
        let origin = fold.phase == .checking ? fold.checkStart?.time ?? fold.origin : fold.origin
        fold.accesses.append(WaitLoopFold.Access(mapping: mapping.index, offset: offset, width: width, write: write, value: value,
                                                 pc: hot.pointee.lastPC, at: before - origin, after: clock.now - origin))
    }

    /// The accesses from `start` up to index `end`, with times from `start`.
    private func segment(from start: WaitLoopFold.Mark, to end: Int) -> [WaitLoopFold.Access] {
        let base = start.time - fold.origin
        return fold.accesses[start.index..<end].map { access in
            var a = access
            a.at = a.at - base
            a.after = a.after - base
            return a
        }
    }

    /// `segment(from: a, to: a.index + count) == segment(from: b, to: b.index + count)`
    /// without building either array (this runs at every anchor access of a search).
    private func sameAccesses(_ a: WaitLoopFold.Mark, _ b: WaitLoopFold.Mark, count: Int) -> Bool {
        let baseA = a.time - fold.origin, baseB = b.time - fold.origin
        for i in 0..<count {
            var x = fold.accesses[a.index + i], y = fold.accesses[b.index + i]
            x.at = x.at - baseA
            x.after = x.after - baseA
            y.at = y.at - baseB
            y.after = y.after - baseB
            if x != y { return false }
        }
        return true
    }

    /// The start of the last turn when the two turns before `here` were the same: each
    /// begins and ends with the same core state, takes the same instructions and time, and
    /// makes the same accesses. One equal core state is not enough: a loop that reads two
    /// registers in turn through one helper passes the helper's first read with the same core
    /// registers twice per turn, the peripheral's answers differing.
    private func repeatingTurnStart(endingAt here: WaitLoopFold.Mark) -> WaitLoopFold.Mark? {
        for middle in fold.marks.reversed() where middle.state == here.state {
            let count = here.index - middle.index
            let instructions = here.instructions &- middle.instructions
            let span = here.time - middle.time
            guard count > 0, middle.index >= count,
                  let first = fold.marks.first(where: { $0.index == middle.index - count }),
                  first.state == here.state, middle.instructions &- first.instructions == instructions, middle.time - first.time == span,
                  sameAccesses(first, middle, count: count) else { continue }
            return middle
        }
        return nil
    }

    private func beginCheck(from start: WaitLoopFold.Mark, state: [UInt64]) {
        fold.turn = segment(from: start, to: fold.accesses.count)
        fold.turnInstructions = run.totalInstructions &- start.instructions
        fold.turnSpan = clock.now - start.time
        guard fold.turnInstructions > 0, fold.turnSpan > .zero, !fold.turn.isEmpty else {
            foldGiveUp()
            return
        }
        fold.phase = .checking
        fold.accesses.removeAll(keepingCapacity: true)
        fold.checkStart = WaitLoopFold.Mark(state: state, time: clock.now, instructions: run.totalInstructions, index: 0)
        fold.executionsAtCheck = profile.allExecutions
        fold.written.removeAll(keepingCapacity: true)
        // The hooks see the stores of blocks already translated only where those stores reach
        // Unicorn's store helper: every store does while the inline path is off (its dirty TLB
        // entries flushed), until the check ends (`foldReset`).
        loaderlab_store_path_set_fast_stores(false)
        guard fold.writeHooks.isEmpty else { return }
        // Added inside an MMIO callback, they are called for blocks already translated.
        let context = Unmanaged.passUnretained(self).toOpaque()
        for region in regions where region.kind == .ram {
            var hook: uc_hook = 0
            let err = loaderlab_uc_hook_mem(engine, &hook, Int32(UC_HOOK_MEM_WRITE.rawValue), foldWriteCallback, context,
                                            UInt64(region.base), region.end - 1)
            guard err == UC_ERR_OK else {
                foldGiveUp()
                return
            }
            fold.writeHooks.append(hook)
        }
    }

    /// The RAM write hook of the checked turn: keep each byte's value before the turn wrote it.
    func foldNoteWrite(_ address: UInt32, size: Int) {
        guard fold.phase == .checking else { return }
        if fold.written.count > WaitLoopFold.maximumWrittenBytes {
            fold.wroteTooMuch = true
            return
        }
        var bytes: UInt64 = 0
        let n = min(max(size, 0), 8)
        guard n > 0, uc_mem_read(engine, UInt64(address), &bytes, n) == UC_ERR_OK else { return }
        for i in 0..<n where fold.written[address &+ UInt32(i)] == nil {
            fold.written[address &+ UInt32(i)] = UInt8(truncatingIfNeeded: bytes >> (8 * UInt64(i)))
        }
    }

    private func finishCheck(pc: UInt32, address: UInt32, write: Bool) {
        guard let start = fold.checkStart else { return foldGiveUp() }
        let repeats = !fold.wroteTooMuch && !write && pc == fold.anchorPC && address == fold.anchorAddress
            && fold.accesses == fold.turn
            && run.totalInstructions &- start.instructions == fold.turnInstructions
            && clock.now - start.time == fold.turnSpan
            && profile.records.count == fold.executionsAtCheck.count
            && ramUnchangedByTurn()
            && foldState() == start.state
        guard repeats else { return foldGiveUp() }
        // How many turns lie wholly before anything can change: a model's answer, SysTick's
        // wrap, the call's device-time limit. (The instruction budget counts emulated
        // instructions: folded turns cost the host no instructions.)
        var horizon = min(run.deadline, systemControl.sysTick.nextInterruptTime)
        var stuck = true
        var seen = Set<Int>()
        for access in fold.turn where seen.insert(access.mapping).inserted {
            guard let quiet = mappings[access.mapping].peripheral.quietUntil else { return foldGiveUp() }
            horizon = min(horizon, quiet)
            if quiet != .never { stuck = false }
        }
        let now = clock.now
        guard horizon > now, horizon != .never || stuck else { return foldGiveUp() }
        var turns = horizon == .never ? UInt64.max : (horizon.picoseconds - now.picoseconds - 1) / fold.turnSpan.picoseconds
        // A stuck loop (no model will ever answer differently) ends only by a timeout in
        // software, the call's limits or the budget: its folded turns count against the
        // budget as emulated ones would, so that it stops where the instruction-by-instruction
        // run stops (the budget, a guard of host work, would otherwise let it run to a
        // verdict that run never reaches).
        if stuck {
            let left = run.maxInstructions > run.executed ? run.maxInstructions - run.executed : 0
            turns = min(turns, left / fold.turnInstructions, WaitLoopFold.maximumStuckTurns)
        }
        guard turns >= WaitLoopFold.minimumTurns else { return foldGiveUp() }

        replay(turns: turns, from: now)
        for (slot, before) in fold.executionsAtCheck.enumerated() {
            let perTurn = profile.executions(slot) &- before
            if perTurn > 0 { profile.addExecutions(slot, perTurn &* turns) }
        }
        let instructions = turns &* fold.turnInstructions
        run.totalInstructions &+= instructions
        if stuck { run.executed &+= instructions }
        clock.advance(to: now + DeviceTime(picoseconds: turns &* fold.turnSpan.picoseconds))
        hot.pointee.lastPC = pc
        clock.currentPC = pc
        fold.folds &+= 1
        fold.foldedTurns &+= turns
        fold.foldedInstructions &+= instructions
        fold.failures = 0
        foldReset()
    }

    /// After `uc_emu_start` returns: the RAM write hooks go. Not before: Unicorn 2.0.1 frees a
    /// deleted hook only when the run returns, walking it on every memory access until then,
    /// and stopping a run inside an MMIO callback to resume it loses the rest of the block.
    func foldEndRun() {
        foldReset()
        for hook in fold.writeHooks { uc_hook_del(engine, hook) }
        fold.writeHooks.removeAll()
    }

    private func ramUnchangedByTurn() -> Bool {
        for (address, old) in fold.written {
            var now: UInt8 = 0
            guard uc_mem_read(engine, UInt64(address), &now, 1) == UC_ERR_OK, now == old else { return false }
        }
        return true
    }

    /// The turn's accesses `turns` times, from `start`, each at its instant and PC.
    private func replay(turns: UInt64, from start: DeviceTime) {
        for index in 0..<turns {
            let turnStart = start + DeviceTime(picoseconds: index &* fold.turnSpan.picoseconds)
            for access in fold.turn {
                clock.advance(to: turnStart + access.at)
                hot.pointee.lastPC = access.pc
                let mapping = mappings[access.mapping]
                if access.write {
                    performWrite(mapping, offset: access.offset, width: access.width, value: access.value)
                } else if performRead(mapping, offset: access.offset, width: access.width) != access.value {
                    fold.replayMismatches &+= 1
                }
                if clock.now != turnStart + access.after { fold.replayMismatches &+= 1 }
                clock.advance(to: turnStart + access.after)
            }
        }
    }
}
