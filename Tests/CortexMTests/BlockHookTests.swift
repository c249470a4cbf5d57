import CortexM
import Testing
import VirtualTime

/// The per-block hook runs in C for a block it knows and leaves every other block, and every
/// limit, to the machine's Swift hook. Each case here has the C hook run the blocks around the
/// instant where it must hand over, so that handing over one block late (or not at all)
/// changes the instructions, the device time, the block counts or the outcome.
@Suite("Per-block hook")
struct BlockHookTests {
    /// `loop: adds r0, #1; subs r1, #1; bne loop; bx lr`: one block of three instructions per turn.
    static let loop: [UInt16] = [0x3001, 0x3901, 0xD1FC, 0x4770]
    /// More turns than `RunState.hostCheckInterval` blocks, so that the host guard's turn
    /// comes around on the way.
    static let turns: UInt64 = 5_000

    struct Clocking: CustomTestStringConvertible, Sendable {
        var hz: UInt64
        var extra: UInt64
        var testDescription: String { "\(hz / 1_000_000) MHz, budget 3 × turns + \(extra)" }
    }

    /// 3 MHz is not a divisor of 10^12 ps: there the Swift hook converts every block itself.
    static let clockings = [4_000_000, 3_000_000].flatMap { hz in (0..<3).map { Clocking(hz: UInt64(hz), extra: $0) } }

    @Test("The budget stops the loop at the block that would exceed it", arguments: clockings)
    func budget(_ c: Clocking) throws {
        let machine = try Bench.machine(coreHz: c.hz)
        try Bench.load(Self.loop, into: machine)
        let outcome = Bench.call(machine, arguments: [0, 1_000_000],
                                 budget: CallBudget(maxInstructions: 3 * Self.turns + c.extra, hostTimeLimitSeconds: 60))
        #expect(outcome == .budgetExhausted(instructions: 3 * Self.turns,
                                            hottest: [HotSpot(pc: Bench.codeBase, executions: Self.turns, symbol: nil)]))
        #expect(machine.lastRegisters?.r[0] == UInt32(Self.turns))
        #expect(machine.totalInstructions == 3 * Self.turns)
        #expect(machine.clock.now.picoseconds == Self.turns * DeviceTime.cycles(3, atHertz: c.hz).picoseconds)
    }

    /// Blocks are charged when entered: the block that ends past the limit is counted, not run.
    @Test("A device-time limit stops the loop at the first block past it", arguments: [0, 250, 500] as [UInt64])
    func deadline(_ extraNanoseconds: UInt64) throws {
        let machine = try Bench.machine(coreHz: 4_000_000)  // 750 ns a turn
        try Bench.load(Self.loop, into: machine)
        let limit = DeviceTime.nanoseconds(750 * Self.turns + extraNanoseconds)
        let outcome = Bench.call(machine, arguments: [0, 1_000_000],
                                 budget: CallBudget(maxInstructions: 1_000_000, deviceTimeLimit: limit, hostTimeLimitSeconds: 60))
        #expect(outcome == .deviceTimeExceeded(limit: limit, hottest: [HotSpot(pc: Bench.codeBase, executions: Self.turns + 1, symbol: nil)]))
        #expect(machine.lastRegisters?.r[0] == UInt32(Self.turns))
        #expect(machine.totalInstructions == 3 * (Self.turns + 1))
        #expect(machine.clock.now == .nanoseconds(750 * (Self.turns + 1)))
    }

    /// `b .` is a block of one cycle: one starts exactly on the wrap, and the exception is
    /// taken there, with the counter just wrapped to 0 (one cycle later it would read LOAD).
    @Test func sysTickIsCaughtUpAtTheBlockThatStartsOnItsWrap() throws {
        let machine = try Bench.machine()
        try Bench.load(SystemControlTests.sysTickProgram(maskFirst: false), into: machine)
        let outcome = Bench.call(machine)
        guard case .exceptionTaken(let entry) = outcome else { Issue.record("expected SysTick, got \(outcome)"); return }
        #expect(entry.number == 15)
        #expect(machine.systemControl.sysTick.currentValue == 0)
    }

    /// PendSV is pended while PRIMASK masks it; the loop runs with it pending, then `cpsie i`
    /// unmasks it and the next block, one the loop ran before, must take it.
    @Test func aPendingExceptionUnmaskedWithoutABusAccessIsTakenAtTheNextBlock() throws {
        let machine = try Bench.machine()
        try Bench.load([
            0xB672,  // 00 cpsid i
            0x6013,  // 02 str r3, [r2]   ; ICSR.PENDSVSET
            0xE000,  // 04 b 08
            0xB662,  // 06 cpsie i
            0x3901,  // 08 subs r1, #1
            0xD1FD,  // 0a bne 08
            0xE7FB,  // 0c b 06
        ], into: machine)
        let outcome = Bench.call(machine, arguments: [0, 3, 0xE000_ED04, 1 << 28])
        guard case .exceptionTaken(let entry) = outcome else { Issue.record("expected PendSV, got \(outcome)"); return }
        #expect(entry.number == 14)
        #expect(entry.pc == Bench.codeBase + 8)
        // Not a later block (the Swift hook's next turn, the host guard's, would take it too).
        #expect(machine.lastRegisters?.r[1] == 0)
    }

    /// A bus write that changes the core clock: the blocks after it run at the new rate.
    final class ClockSwitch: Peripheral {
        let name = "CLOCK"
        let clock: VirtualClock
        init(clock: VirtualClock) { self.clock = clock }
        func read(offset: UInt32, width: AccessWidth, error: inout BusErrorKind?) -> UInt32 { 0 }
        func write(offset: UInt32, width: AccessWidth, value: UInt32, error: inout BusErrorKind?) { clock.coreFrequencyHz = UInt64(value) }
    }

    @Test func blocksAfterAFrequencyChangeAreChargedAtTheNewRate() throws {
        let machine = try Bench.machine(coreHz: 4_000_000)
        try machine.map(ClockSwitch(clock: machine.clock), base: 0x4000_0000, size: 0x400)
        try Bench.load([
            0x3A01,  // 00 subs r2, #1
            0xD100,  // 02 bne 06
            0x4770,  // 04 bx lr
            0x2A05,  // 06 cmp r2, #5
            0xD1FA,  // 08 bne 00
            0x6001,  // 0a str r1, [r0]   ; the core clock becomes r1 Hz
            0xE7F8,  // 0c b 00
        ], into: machine)
        #expect(Bench.call(machine, arguments: [0x4000_0000, 8_000_000, 10]) == .returned(r0: 0x4000_0000, r1: 8_000_000))
        // Up to the write: 5 × (subs, bne) + 5 × (cmp, bne) + (str, b) at 250 ns; after it
        // 5 × (subs, bne) + 4 × (cmp, bne) + bx lr at 125 ns.
        #expect(machine.totalInstructions == 22 + 19)
        #expect(machine.clock.now == .nanoseconds(22 * 250 + 19 * 125))
    }

    /// The FP block runs twice with CP10 allowed, then the guest denies it and the block runs
    /// again (two blocks later, after one without FP): it must fault before its `vmov`.
    @Test func anFPBlockTheCHookRunsIsStillCheckedAgainstCPACR() throws {
        let machine = try Bench.machine()
        var error: BusErrorKind?
        machine.systemControl.write(offset: 0xD88, width: .word, value: 0x00F0_0000, error: &error)
        try Bench.load([
            0xEE00, 0x0A10,  // 00 vmov s0, r0
            0x3901,          // 04 subs r1, #1
            0xD005,          // 06 beq 14
            0x2903,          // 08 cmp r1, #3
            0xD1F9,          // 0a bne 00
            0x6013,          // 0c str r3, [r2]   ; CPACR = 0
            0xE7FF,          // 0e b 10
            0xBF00,          // 10 nop
            0xE7F5,          // 12 b 00
            0x4770,          // 14 bx lr
        ], into: machine)
        let outcome = Bench.call(machine, arguments: [0, 5, 0xE000_ED88, 0])
        guard case .faulted(let fault) = outcome else { Issue.record("expected NOCP, got \(outcome)"); return }
        #expect(fault.kind == .coprocessorDenied(coprocessor: 10))
        #expect(fault.pc == Bench.codeBase)
        #expect(machine.lastRegisters?.r[1] == 3)
    }
}
