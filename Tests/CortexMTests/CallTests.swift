import CortexM
import Testing
import VirtualTime

@Suite("Calling guest code")
struct CallTests {
    /// entry: push {r4,lr}; bl sum64; pop {r4,pc}
    /// sum64(ptr, count) -> UInt64: a loop of LDR post-increment, ADDS/ADC into r0:r1.
    static let sumProgram: [UInt16] = [
        0xB510,          // 00 push {r4, lr}
        0xF000, 0xF801,  // 02 bl sum64 (0x08)
        0xBD10,          // 06 pop {r4, pc}
        0xB430,          // 08 sum64: push {r4, r5}
        0x4602,          // 0a mov r2, r0
        0x460B,          // 0c mov r3, r1
        0x2000,          // 0e movs r0, #0
        0x2100,          // 10 movs r1, #0
        0xB133,          // 12 loop: cbz r3, done (0x22)
        0xF852, 0x4B04,  // 14 ldr r4, [r2], #4
        0x1900,          // 18 adds r0, r0, r4
        0xF141, 0x0100,  // 1a adc r1, r1, #0
        0x1E5B,          // 1e subs r3, r3, #1
        0xE7F7,          // 20 b loop
        0xBC30,          // 22 done: pop {r4, r5}
        0x4770,          // 24 bx lr
    ]

    @Test func aLoopWithACallReturnsASixtyFourBitSumInR0AndR1() throws {
        let machine = try Bench.machine()
        try Bench.load(Self.sumProgram, into: machine)
        let words: [UInt32] = (0..<12).map { 0xF000_0000 &+ UInt32($0) &* 0x0101_0101 }
        let data = words.flatMap { w in (0..<4).map { UInt8(truncatingIfNeeded: w >> ($0 * 8)) } }
        try machine.writeMemory(data, at: 0x2000_1000)
        let expected = words.reduce(UInt64(0)) { $0 + UInt64($1) }

        let outcome = Bench.call(machine, arguments: [0x2000_1000, UInt32(words.count)])

        #expect(outcome == .returned(r0: UInt32(truncatingIfNeeded: expected), r1: UInt32(expected >> 32)))
        #expect(expected >> 32 != 0)
        #expect(machine.lastRegisters?.pc == Bench.ramBase)
    }

    @Test func theRoutineCanBeCalledAgainWithOtherArguments() throws {
        let machine = try Bench.machine()
        try Bench.load(Self.sumProgram, into: machine)
        try machine.writeMemory([5, 0, 0, 0, 7, 0, 0, 0], at: 0x2000_1000)
        #expect(Bench.call(machine, arguments: [0x2000_1000, 2]) == .returned(r0: 12, r1: 0))
        #expect(Bench.call(machine, arguments: [0x2000_1000, 1]) == .returned(r0: 5, r1: 0))
        #expect(Bench.call(machine, arguments: [0x2000_1000, 0]) == .returned(r0: 0, r1: 0))
    }

    @Test func rewrittenCodeRunsTheNewInstructions() throws {
        let machine = try Bench.machine()
        try Bench.load([0x2001, 0x4770], into: machine)  // movs r0, #1; bx lr
        #expect(Bench.call(machine) == .returned(r0: 1, r1: 0))
        try Bench.load([0x2002, 0x4770], into: machine)  // movs r0, #2; bx lr
        #expect(Bench.call(machine) == .returned(r0: 2, r1: 0))
        #expect(machine.events.contains { if case .codeRewritten = $0.event { true } else { false } })
    }

    @Test func retiredInstructionsAdvanceTheVirtualClockAtTheCoreFrequency() throws {
        let machine = try Bench.machine(coreHz: 160_000_000)
        try Bench.load([0x2001, 0x2002, 0x2003, 0x4770], into: machine)  // 4 instructions
        let before = machine.clock.now
        #expect(Bench.call(machine) == .returned(r0: 3, r1: 0))
        // 4 instructions at 160 MHz = 25 ns (one cycle each, charged per block).
        #expect(machine.clock.now - before == DeviceTime.nanoseconds(25))
    }
}
