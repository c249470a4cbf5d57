import Testing
import VirtualTime
@testable import CortexM

/// A status register that records what the core read from it.
protocol FlagRegister: Peripheral {
    var reads: [Timestamped<UInt32>] { get }
}

/// A flash-like status register: reads 1 (busy) until `readyAt`, then 0; quiet until then.
final class BusyFlag: FlagRegister {
    let name = "BUSYFLAG"
    let clock: VirtualClock
    let readyAt: DeviceTime
    var reads: [Timestamped<UInt32>] = []

    init(clock: VirtualClock, readyAt: DeviceTime) {
        self.clock = clock
        self.readyAt = readyAt
    }

    func read(offset: UInt32, width: AccessWidth, error: inout BusErrorKind?) -> UInt32 {
        let value: UInt32 = clock.now < readyAt ? 1 : 0
        reads.append(Timestamped(time: clock.now, pc: clock.currentPC, event: value))
        return value
    }

    func write(offset: UInt32, width: AccessWidth, value: UInt32, error: inout BusErrorKind?) {}

    var quietUntil: DeviceTime? { clock.now < readyAt ? readyAt : .never }
}

/// A status register that never changes unless software writes it: a flag the flash will
/// never raise. Quiet forever (`.never`).
final class StuckFlag: FlagRegister {
    let name = "STUCKFLAG"
    let clock: VirtualClock
    var reads: [Timestamped<UInt32>] = []

    init(clock: VirtualClock) { self.clock = clock }

    func read(offset: UInt32, width: AccessWidth, error: inout BusErrorKind?) -> UInt32 {
        reads.append(Timestamped(time: clock.now, pc: clock.currentPC, event: 1))
        return 1
    }

    func write(offset: UInt32, width: AccessWidth, value: UInt32, error: inout BusErrorKind?) {}

    var quietUntil: DeviceTime? { .never }
}

/// `WaitLoopFold`: a loop that only re-reads a quiet register and leaves registers and RAM as
/// it found them is folded, and the run is the one instruction by instruction: every read at
/// the same instant from the same PC, the same instructions retired, the same end time. A
/// loop with a counter, in a register or in RAM, is not folded.
@Suite("Wait-loop fold")
struct WaitLoopFoldTests {
    struct Run {
        var outcome: CallOutcome
        var reads: [String]
        var retired: UInt64
        var end: DeviceTime
        var statistics: WaitLoopFoldStatistics
        /// Guest stores that reached Unicorn's store helper (`Machine.ramStores`).
        var slowStores: UInt64
    }

    /// `program` against a flag that clears at `readyAt`, or never (`stuck`).
    static func run(_ program: [UInt16], folds: Bool, readyAt: DeviceTime = .milliseconds(10), stuck: Bool = false,
                    budget: CallBudget = CallBudget(maxInstructions: 2_000_000, hostTimeLimitSeconds: 60)) throws -> Run {
        let machine = try Bench.machine()
        machine.foldsWaitLoopsWhenPossible = folds
        let flag: any FlagRegister = stuck ? StuckFlag(clock: machine.clock) : BusyFlag(clock: machine.clock, readyAt: readyAt)
        try machine.map(flag, base: 0x4000_0000, size: 0x400)
        try Bench.load(program, into: machine)
        let outcome = Bench.call(machine, budget: budget)
        return Run(outcome: outcome, reads: flag.reads.map(\.description), retired: machine.totalInstructions,
                   end: machine.clock.now, statistics: machine.waitLoopFoldStatistics, slowStores: machine.ramStores)
    }

    static func expectSame(_ fast: Run, _ slow: Run, _ what: Comment) {
        #expect(fast.outcome == slow.outcome, what)
        #expect(fast.reads.count == slow.reads.count, what)
        #expect(fast.reads == slow.reads, what)
        #expect(fast.retired == slow.retired, what)
        #expect(fast.end == slow.end, what)
        #expect(slow.statistics.folds == 0, what)
        #expect(fast.statistics.replayMismatches == 0, what)
    }

    /// movw r0, #0; movt r0, #0x4000
    static let flagAddress: [UInt16] = [0xF240, 0x0000, 0xF2C4, 0x0000]

    /// loop: ldr r1, [r0]; cmp r1, #0; bne loop; movs r0, #1; bx lr
    static let pureLoop = flagAddress + [0x6801, 0x2900, 0xD1FC, 0x2001, 0x4770]

    /// movw r2, #0xFFFF; loop: ldr r1, [r0]; cmp r1, #0; beq done; subs r2, #1; bne loop;
    /// done: movs r0, r2; bx lr — a timeout counted in turns, as `for (n = ...; n; n--)`.
    static let registerCounter = flagAddress + [0xF64F, 0x72FF, 0x6801, 0x2900, 0xD001, 0x3A01, 0xD1FA, 0x0010, 0x4770]

    /// r4 = 0x2000_4000; loop: ldr r1, [r0]; ldr r3, [r4]; adds r3, #1; str r3, [r4];
    /// movs r3, #0; cmp r1, #0; bne loop; ldr r0, [r4]; bx lr — the count lives only in RAM.
    static let ramCounter = flagAddress + [0xF244, 0x0400, 0xF2C2, 0x0400,
                                           0x6801, 0x6823, 0x3301, 0x6023, 0x2300, 0x2900, 0xD1F8, 0x6820, 0x4770]

    /// loop: ldr r1, [r0]; movs r3, #5; str r3, [sp]; movs r3, #7; str r3, [sp]; cmp r1, #0;
    /// bne loop; movs r0, #1; bx lr — a stack slot written twice per turn, as it was at the end.
    static let slotRewritten = flagAddress + [0x6801, 0x2305, 0x9300, 0x2307, 0x9300, 0x2900, 0xD1F8, 0x2001, 0x4770]

    @Test("A loop that only re-reads a busy flag is folded; every read, the instructions and the end time are the same")
    func pureLoopFolds() throws {
        let fast = try Self.run(Self.pureLoop, folds: true)
        let slow = try Self.run(Self.pureLoop, folds: false)
        #expect(fast.outcome.returnedR0 == 1, "\(fast.outcome)")
        #expect(fast.statistics.folds >= 1)
        #expect(fast.statistics.foldedInstructions > fast.retired / 2, "\(fast.statistics), \(fast.retired) retired")
        #expect(slow.reads.count > 10_000)
        Self.expectSame(fast, slow, "pure loop")
    }

    @Test("A RAM slot written with other values during a turn but left as it was does not stop the fold")
    func restoredSlotFolds() throws {
        let fast = try Self.run(Self.slotRewritten, folds: true)
        let slow = try Self.run(Self.slotRewritten, folds: false)
        #expect(fast.statistics.folds >= 1)
        Self.expectSame(fast, slow, "slot rewritten")
    }

    @Test("A turn counter in a register or in RAM keeps the loop unfolded", arguments: ["register", "RAM"])
    func countersAreNotFolded(kind: String) throws {
        let program = kind == "RAM" ? Self.ramCounter : Self.registerCounter
        let fast = try Self.run(program, folds: true)
        let slow = try Self.run(program, folds: false)
        #expect(fast.statistics.folds == 0)
        Self.expectSame(fast, slow, "\(kind) counter")
    }

    @Test("Only the checked turns send stores to a data page through Unicorn's store helper, not the rest of the run")
    func storesStayInlineBetweenChecks() throws {
        let fast = try Self.run(Self.ramCounter, folds: true)
        let slow = try Self.run(Self.ramCounter, folds: false)
        Self.expectSame(fast, slow, "RAM counter")
        // One store per turn, thousands of turns, a few of them checked.
        #expect(slow.slowStores == 0)
        #expect(fast.slowStores > 0, "a checked turn's store reaches the fold's write hook")
        #expect(fast.slowStores < 64, "\(fast.slowStores) stores through the store helper")
    }

    @Test("The device-time limit ends a folded wait, busy or stuck, at the same instruction as an unfolded one",
          arguments: [false, true])
    func deviceTimeLimitIsExact(stuck: Bool) throws {
        let budget = CallBudget(maxInstructions: 2_000_000, deviceTimeLimit: .milliseconds(stuck ? 3 : 5), hostTimeLimitSeconds: 60)
        let fast = try Self.run(Self.pureLoop, folds: true, readyAt: .seconds(10), stuck: stuck, budget: budget)
        let slow = try Self.run(Self.pureLoop, folds: false, readyAt: .seconds(10), stuck: stuck, budget: budget)
        if case .deviceTimeExceeded = slow.outcome {} else { Issue.record("\(slow.outcome)") }
        #expect(fast.statistics.folds >= 1)
        Self.expectSame(fast, slow, "device-time limit, stuck: \(stuck)")
    }

    @Test("The instruction budget guards host work: folded turns do not count against it")
    func budgetCountsEmulatedInstructions() throws {
        let budget = CallBudget(maxInstructions: 20_000, hostTimeLimitSeconds: 60)
        let slow = try Self.run(Self.pureLoop, folds: false, readyAt: .milliseconds(100), budget: budget)
        let fast = try Self.run(Self.pureLoop, folds: true, readyAt: .milliseconds(100), budget: budget)
        if case .budgetExhausted = slow.outcome {} else { Issue.record("\(slow.outcome)") }
        #expect(fast.outcome.returnedR0 == 1, "\(fast.outcome)")
        #expect(fast.retired > 20_000)
        #expect(fast.retired - fast.statistics.foldedInstructions <= 20_000)
    }

    @Test("A loop stuck on a flag nothing will change is folded and stops at the budget's instruction, as unfolded")
    func stuckLoopStopsAtTheBudget() throws {
        let budget = CallBudget(maxInstructions: 300_001, hostTimeLimitSeconds: 60)
        let fast = try Self.run(Self.pureLoop, folds: true, stuck: true, budget: budget)
        let slow = try Self.run(Self.pureLoop, folds: false, stuck: true, budget: budget)
        if case .budgetExhausted(let instructions, _) = slow.outcome {
            #expect(instructions > 299_990, "\(slow.outcome)")
        } else {
            Issue.record("\(slow.outcome)")
        }
        #expect(fast.statistics.folds >= 1)
        // Most of the turns folded: the fold waits for `stuckReads` turns, then takes the rest.
        #expect(fast.statistics.foldedInstructions > fast.retired * 9 / 10, "\(fast.statistics), \(fast.retired) retired")
        Self.expectSame(fast, slow, "stuck loop, budget")
    }

    @Test("A turn counter keeps a stuck loop unfolded: it ends by software, at the same instruction")
    func stuckLoopWithCounterIsNotFolded() throws {
        let budget = CallBudget(maxInstructions: 2_000_000, hostTimeLimitSeconds: 60)
        let fast = try Self.run(Self.registerCounter, folds: true, stuck: true, budget: budget)
        let slow = try Self.run(Self.registerCounter, folds: false, stuck: true, budget: budget)
        #expect(slow.outcome.returnedR0 == 0, "\(slow.outcome)")
        #expect(fast.statistics.folds == 0)
        Self.expectSame(fast, slow, "stuck loop with a counter")
    }
}

extension CallOutcome {
    /// R0 of a call that returned, nil for any other outcome.
    var returnedR0: UInt32? {
        if case .returned(let r0, _) = self { return r0 }
        return nil
    }
}
