import CortexM
import Testing

/// The programmer downloads the same loader before every operation: only bytes that change
/// inside code that ran make the machine drop Unicorn's translations.
@Suite("Host writes over code that ran")
struct CodeRewriteTests {
    static let program: [UInt16] = [0x2001, 0x4770]  // movs r0, #1; bx lr

    func rewritten(_ machine: Machine) -> Bool {
        machine.events.contains { if case .codeRewritten = $0.event { true } else { false } }
    }

    @Test func writingTheSameCodeAgainKeepsTheTranslations() throws {
        let machine = try Bench.machine()
        try Bench.load(Self.program, into: machine)
        #expect(Bench.call(machine) == .returned(r0: 1, r1: 0))
        try Bench.load(Self.program, into: machine)
        #expect(!rewritten(machine))
        #expect(Bench.call(machine) == .returned(r0: 1, r1: 0))
    }

    @Test func changingDataBesideCodeThatRanKeepsTheTranslations() throws {
        let machine = try Bench.machine()
        // Code, then a data word in the same write: only the data changes on the second write.
        try machine.writeMemory(Bench.bytes(Self.program) + [0, 0, 0, 0], at: Bench.codeBase)
        #expect(Bench.call(machine) == .returned(r0: 1, r1: 0))
        try machine.writeMemory(Bench.bytes(Self.program) + [1, 2, 3, 4], at: Bench.codeBase)
        #expect(!rewritten(machine))
        #expect(try machine.readMemory(at: Bench.codeBase + 4, count: 4) == [1, 2, 3, 4])
        #expect(Bench.call(machine) == .returned(r0: 1, r1: 0))
    }

    @Test func changingOneInstructionInAWriteOfCodeAndDataRunsTheNewInstruction() throws {
        let machine = try Bench.machine()
        try machine.writeMemory(Bench.bytes(Self.program) + [0, 0, 0, 0], at: Bench.codeBase)
        #expect(Bench.call(machine) == .returned(r0: 1, r1: 0))
        try machine.writeMemory(Bench.bytes([0x2007, 0x4770]) + [9, 9, 9, 9], at: Bench.codeBase)  // movs r0, #7
        #expect(rewritten(machine))
        #expect(Bench.call(machine) == .returned(r0: 7, r1: 0))
    }
}
