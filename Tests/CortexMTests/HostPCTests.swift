import CortexM
import Testing
import VirtualTime

/// The PC of a bus access taken from the host code that made it (`CUnicornStores`), with no
/// hook before every instruction: the same PCs as the hook gives, where decoding the block
/// could not tell them apart.
@Suite("PCs from the host code")
struct HostPCTests {
    /// HAL's `hospi->Instance->CR` and its neighbours: two loads in a row that both compute
    /// their address from r3, so the registers at the access cannot say which one reached the
    /// bus; then accesses of every width in the same block, and the same pattern in a loop.
    static let program: [UInt16] = [
        0x4B06,          // 00 ldr r3, [pc, #24]   ; &instance (0x2000_0200)
        0x681B,          // 02 ldr r3, [r3]        ; instance: 0x4000_0000
        0x681A,          // 04 ldr r2, [r3]        ; CR (bus)
        0x605A,          // 06 str r2, [r3, #4]    ; (bus)
        0x7A19,          // 08 ldrb r1, [r3, #8]   ; (bus)
        0x8198,          // 0a strh r0, [r3, #12]  ; (bus)
        0x2003,          // 0c movs r0, #3
        0x6919,          // 0e ldr r1, [r3, #16]   ; (bus) loop: three turns
        0x3801,          // 10 subs r0, #1
        0xD1FC,          // 12 bne 0x0e
        0x6958,          // 14 ldr r0, [r3, #20]   ; (bus)
        0x4770,          // 16 bx lr
        0xBF00, 0xBF00,  // 18 padding
        0x0200, 0x2000,  // 1c .word 0x2000_0200
    ]

    static func run(pcFromHost: Bool, calls: Int = 1) throws -> (accesses: [RecordingPeripheral.Access], machine: Machine) {
        let machine = try Bench.machine(pcFromHost: pcFromHost)
        let recorder = RecordingPeripheral(clock: machine.clock)
        try machine.map(recorder, base: 0x4000_0000, size: 0x400)
        try Bench.load(program, into: machine)
        try machine.writeMemory([0x00, 0x00, 0x00, 0x40], at: 0x2000_0200)
        for _ in 0..<calls {
            let outcome = Bench.call(machine)
            guard case .returned = outcome else {
                Issue.record("expected a return, got \(outcome)")
                break
            }
        }
        return (recorder.accesses, machine)
    }

    @Test func theHostGivesEveryAccessThePCTheInstructionHookGives() throws {
        #if os(Linux)
        #expect(Machine.accessPCInterposed)  // ELF interposition: libunicorn's calls reach CUnicornStores
        #expect(Machine.hostPCCheckPasses)   // and Unicorn 2.0.1 gives the PCs the check expects
        #endif
        guard Machine.accessPCInterposed else { return }  // elsewhere: the hook gives every PC
        let hooked = try Self.run(pcFromHost: false)
        let host = try Self.run(pcFromHost: true)
        #expect(!hooked.machine.pcFromHost)
        #expect(host.machine.pcFromHost)
        let pc = Bench.codeBase
        #expect(hooked.accesses.map(\.pc) == [pc + 0x04, pc + 0x06, pc + 0x08, pc + 0x0A, pc + 0x0E, pc + 0x0E, pc + 0x0E, pc + 0x14])
        #expect(host.accesses == hooked.accesses)
        #expect(host.machine.unresolvedAccessPCs == 0)
    }

    @Test func eachAccessSiteIsLookedUpOncePerTranslation() throws {
        guard Machine.accessPCInterposed else { return }
        let once = try Self.run(pcFromHost: true, calls: 1)
        let thrice = try Self.run(pcFromHost: true, calls: 3)
        #expect(once.accesses.count == 8)
        #expect(thrice.accesses.count == 24)
        // At least one per access site (six; QEMU translates the loop's load again in the
        // block the branch starts), and not one more for later calls.
        #expect(once.machine.accessPCLookups >= 6)
        #expect(thrice.machine.accessPCLookups == once.machine.accessPCLookups)
    }

    @Test func aBlockWithFPInstructionsBringsTheInstructionHookBack() throws {
        guard Machine.accessPCInterposed else { return }
        let machine = try Bench.machine(pcFromHost: true)
        let recorder = RecordingPeripheral(clock: machine.clock)
        try machine.map(recorder, base: 0x4000_0000, size: 0x400)
        // str r0, [r1]; vmov s0, r0; bx lr: the store runs, the VMOV faults (CPACR at reset).
        try Bench.load([0x6008, 0xEE00, 0x0A10, 0x4770], into: machine)

        let outcome = Bench.call(machine, arguments: [7, 0x4000_0000])

        guard case .faulted(let fault) = outcome else { Issue.record("expected a fault, got \(outcome)"); return }
        #expect(fault.kind == .coprocessorDenied(coprocessor: 10))
        #expect(fault.pc == Bench.codeBase + 2)
        // The block ran once, from its start, after it was translated again with the hook.
        #expect(recorder.accesses == [.init(write: true, offset: 0, width: .word, value: 7, pc: Bench.codeBase)])
    }

    /// The register state a fault leaves: the PC of the faulting access, as the hook kept it.
    @Test func aFaultingAccessLeavesItsPCInTheRegisters() throws {
        var pcs: [UInt32?] = []
        for pcFromHost in [false, true] {
            let machine = try Bench.machine(pcFromHost: pcFromHost)
            try Bench.load([
                0xF04F, 0x41C0,  // 00 mov.w r1, #0x60000000
                0xBF00,          // 04 nop
                0x6808,          // 06 ldr r0, [r1]  ; nothing answers
                0x4770,          // 08 bx lr
            ], into: machine)
            guard case .faulted(let fault) = Bench.call(machine) else { Issue.record("expected a fault"); return }
            #expect(fault.pc == Bench.codeBase + 6)
            pcs.append(machine.lastRegisters.map { $0.pc & ~1 })
        }
        #expect(pcs == [Bench.codeBase + 6, Bench.codeBase + 6])
    }

    @Test func theChoiceIsMadeBeforeTheFirstCall() throws {
        guard Machine.accessPCInterposed else { return }
        let machine = try Bench.machine(pcFromHost: false)
        try Bench.load([0x4770], into: machine)
        _ = Bench.call(machine)
        machine.takesPCFromHostWhenPossible = true
        #expect(!machine.pcFromHost)
    }
}
