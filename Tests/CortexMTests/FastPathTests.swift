import CortexM
import Testing
import VirtualTime

/// The machine's shortcuts around Unicorn 2.0.1's costs give the same emulation as the slow
/// way: Device-memory alignment checked in the MMIO callbacks by decoding the instruction (no
/// memory hooks, so RAM accesses stay on Unicorn's fast path) against the memory hooks;
/// guest stores without the page-lock bookkeeping, and stores to pages without code on the
/// inline path, against every store through the store helper.
@Suite("Machine fast paths")
struct FastPathTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var program: [UInt16]
        var arguments: [UInt32]
        /// The unaligned access the ARMv8-M rules for Device memory must fault on, or nil.
        var fault: Fault.Kind?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "ldr.w r2, [r0, #2]: word read at +2", program: [0xF8D0, 0x2002, 0x4770], arguments: [0x4000_0000],
             fault: .unalignedAccess(address: 0x4000_0002, width: .word, access: .read)),
        Case(name: "strh r1, [r0]: halfword write at an odd address", program: [0x8001, 0x4770], arguments: [0x4000_0001, 0x1234],
             fault: .unalignedAccess(address: 0x4000_0001, width: .halfword, access: .write)),
        Case(name: "ldr r2, [r0, r1]: register offset 6", program: [0x5842, 0x4770], arguments: [0x4000_0000, 6],
             fault: .unalignedAccess(address: 0x4000_0006, width: .word, access: .read)),
        Case(name: "ldr r2, [r0, r1]: register offset 8", program: [0x5842, 0x4770], arguments: [0x4000_0000, 8], fault: nil),
        Case(name: "str.w r1, [r0], #4: post-indexed from +2", program: [0xF840, 0x1B04, 0x4770], arguments: [0x4000_0002, 7],
             fault: .unalignedAccess(address: 0x4000_0002, width: .word, access: .write)),
        Case(name: "str.w r1, [r0], #4: post-indexed from +4", program: [0xF840, 0x1B04, 0x4770], arguments: [0x4000_0004, 7], fault: nil),
        Case(name: "ldrd r2, r3, [r0, #4] from +2", program: [0xE9D0, 0x2301, 0x4770], arguments: [0x4000_0002],
             fault: .unalignedAccess(address: 0x4000_0006, width: .word, access: .read)),
        Case(name: "ldrd r2, r3, [r0, #4] from +4", program: [0xE9D0, 0x2301, 0x4770], arguments: [0x4000_0004], fault: nil),
        Case(name: "ldrh.w r2, [r0, #-1]", program: [0xF830, 0x2C01, 0x4770], arguments: [0x4000_0004],
             fault: .unalignedAccess(address: 0x4000_0003, width: .halfword, access: .read)),
        Case(name: "ldrb r2, [r0, #1]: bytes are always aligned", program: [0x7842, 0x4770], arguments: [0x4000_0000], fault: nil),
        Case(name: "str r1, [r0, #4]: aligned word write", program: [0x6041, 0x4770], arguments: [0x4000_0000, 9], fault: nil),
        Case(name: "stmia r0!, {r1, r2} from +1", program: [0xC006, 0x4770], arguments: [0x4000_0001, 1, 2],
             fault: .unalignedAccess(address: 0x4000_0001, width: .word, access: .write)),
    ]

    struct Run: Equatable {
        var outcome: CallOutcome
        var accesses: [RecordingPeripheral.Access]
    }

    static func run(_ c: Case, hooks: Bool) throws -> Run {
        let machine = try Bench.machine()
        try machine.setDeviceAccessHooks(hooks)
        let recorder = RecordingPeripheral(clock: machine.clock)
        try machine.map(recorder, base: 0x4000_0000, size: 0x400)
        try Bench.load(c.program, into: machine)
        let outcome = Bench.call(machine, arguments: c.arguments)
        return Run(outcome: outcome, accesses: recorder.accesses)
    }

    @Test("Device alignment: the MMIO callbacks' decoding and the memory hooks agree", arguments: cases)
    func deviceAlignment(_ c: Case) throws {
        let decoded = try Self.run(c, hooks: false)
        let hooked = try Self.run(c, hooks: true)
        #expect(decoded == hooked)
        if let fault = c.fault {
            guard case .faulted(let f) = decoded.outcome else { Issue.record("expected \(fault), got \(decoded.outcome)"); return }
            #expect(f.kind == fault)
            #expect(f.pc == Bench.codeBase)
            #expect(decoded.accesses.isEmpty, "nothing reaches the peripheral before the fault")
        } else {
            guard case .returned = decoded.outcome else { Issue.record("expected a return, got \(decoded.outcome)"); return }
            #expect(!decoded.accesses.isEmpty)
        }
    }

    /// At +0x20 a routine `movs r0, #1; bx lr`; at +0: `movw r1, #0x2005` (the encoding of
    /// `movs r0, #5`), `strh r1, [r2]` over that routine's first instruction, `b` to it.
    static let selfModifying: [UInt16] = [0xF242, 0x0105, 0x8011, 0xE00B]
    static let routine: [UInt16] = [0x2001, 0x4770]

    /// The routine runs once (so its block is translated), then the guest rewrites it and
    /// runs it again: the store must invalidate the translation.
    static func runSelfModifying(skipping: Bool) throws -> [CallOutcome] {
        let machine = try Bench.machine()
        machine.skipsStoreLocks = skipping
        try Bench.load(Self.selfModifying, into: machine)
        try Bench.load(Self.routine, into: machine, at: Bench.codeBase + 0x20)
        return [Bench.call(machine, at: Bench.codeBase + 0x20),
                Bench.call(machine, arguments: [0, 0, Bench.codeBase + 0x20])]
    }

    @Test("A guest store over translated code takes effect with and without the page-lock bookkeeping")
    func selfModifyingCode() throws {
        let skipped = try Self.runSelfModifying(skipping: true)
        let locked = try Self.runSelfModifying(skipping: false)
        #expect(skipped == locked)
        #expect(skipped.first == .returned(r0: 1, r1: 0))
        guard case .returned(let r0, _) = skipped.last else { Issue.record("expected a return, got \(skipped)"); return }
        #expect(r0 == 5)
    }

    /// Stores `r1` and `r2` as the two halfwords at `r0` (a page of its own), then calls
    /// them: `push {r4, lr}; mov r4, r0; strh r1, [r4]; strh r2, [r4, #2]; adds r4, #1;
    /// blx r4; pop {r4, pc}`.
    static let writeAndRun: [UInt16] = [0xB510, 0x4604, 0x8021, 0x8062, 0x3401, 0x47A0, 0xBD10]
    /// A 1 KiB page of its own, away from the code (0x2000_0100) and the stack (below 0x2000_8000).
    static let dataPage: UInt32 = 0x2000_0C00

    /// The guest writes a routine into a page that held only data (so its stores there took
    /// the inline path), runs it, then rewrites it and runs it again.
    static func runWrittenThenRewritten(skipping: Bool) throws -> (outcomes: [CallOutcome], dirtyFills: UInt64, codePages: UInt64) {
        let machine = try Bench.machine()
        machine.skipsStoreLocks = skipping
        try Bench.load(Self.writeAndRun, into: machine)
        let outcomes = [Bench.call(machine, arguments: [Self.dataPage, 0x2001, 0x4770]),   // movs r0, #1; bx lr
                        Bench.call(machine, arguments: [Self.dataPage, 0x2005, 0x4770])]   // movs r0, #5; bx lr
        return (outcomes, machine.dirtyPageFills, machine.codePages)
    }

    @Test("Code the guest writes into a data page and later rewrites runs as rewritten, with and without the inline store path")
    func codeWrittenIntoADataPage() throws {
        let fast = try Self.runWrittenThenRewritten(skipping: true)
        let slow = try Self.runWrittenThenRewritten(skipping: false)
        #expect(fast.outcomes == slow.outcomes)
        guard fast.outcomes.count == 2, case .returned(let first, _) = fast.outcomes[0], case .returned(let second, _) = fast.outcomes[1] else {
            Issue.record("expected two returns, got \(fast.outcomes)")
            return
        }
        #expect(first == 1)
        #expect(second == 5, "the rewrite must invalidate the routine's translation")
        #expect(fast.dirtyFills > 0, "the data page's first stores took the inline path")
        #expect(slow.dirtyFills == 0)
        #expect(fast.codePages >= 2, "the caller's page and the written one")
    }

    @Test("Stores to a page without code stay off Unicorn's store helper; stores to a code page do not")
    func dataStoresTakeTheInlinePath() throws {
        func run(storeTo address: UInt32) throws -> (slowStores: UInt64, dirtyFills: UInt64) {
            let machine = try Bench.machine()
            // str r1, [r0]; str r1, [r0, #4]; bx lr
            try Bench.load([0x6001, 0x6041, 0x4770], into: machine)
            guard case .returned = Bench.call(machine, arguments: [address, 7]) else {
                Issue.record("the call did not return")
                return (0, 0)
            }
            return (machine.ramStores, machine.dirtyPageFills)
        }
        let data = try run(storeTo: Self.dataPage)
        #expect(data.slowStores == 0)
        #expect(data.dirtyFills > 0)
        // The code's own page: both stores reach the self-modifying-code check.
        let code = try run(storeTo: Bench.codeBase + 0x40)
        #expect(code.slowStores == 2)
    }

    #if os(Linux)
    @Test("On Linux libunicorn's store-path calls reach the lab's definitions")
    func storePathIsInterposed() throws {
        #expect(Machine.storePathInterposed)
    }
    #endif
}
