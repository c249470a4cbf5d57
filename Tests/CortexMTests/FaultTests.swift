import CortexM
import Testing
import VirtualTime

@Suite("Faults the silicon would take")
struct FaultTests {
    @Test(arguments: [false, true]) func readingAnUnmappedAddressNamesTheAddressAndThePC(pcFromHost: Bool) throws {
        let machine = try Bench.machine(pcFromHost: pcFromHost)
        try Bench.load([
            0xF04F, 0x41C0,  // 00 mov.w r1, #0x60000000
            0xBF00,          // 04 nop
            0x6808,          // 06 ldr r0, [r1]
            0x4770,          // 08 bx lr
        ], into: machine)
        machine.symbols = [MachineSymbol(name: "ReadFMC", address: Bench.codeBase | 1, size: 10)]

        let outcome = Bench.call(machine)

        guard case .faulted(let fault) = outcome else { Issue.record("expected a fault, got \(outcome)"); return }
        #expect(fault.kind == .unmappedAccess(address: 0x6000_0000, access: .read))
        #expect(fault.pc == Bench.codeBase + 6)
        #expect(fault.symbol == SymbolLocation(name: "ReadFMC", offset: 6))
        #expect(fault.address == 0x6000_0000)
        // BusFault PRECISERR + BFARVALID with the address, escalated to HardFault (FORCED).
        #expect(machine.systemControl.scb.bfar == 0x6000_0000)
        #expect(machine.systemControl.scb.cfsr & 0x8200 == 0x8200)
        #expect(machine.systemControl.scb.hfsr & (1 << 30) != 0)
    }

    @Test(arguments: [false, true]) func jumpingToUnmappedMemoryIsAFetchFault(pcFromHost: Bool) throws {
        let machine = try Bench.machine(pcFromHost: pcFromHost)
        let outcome = Bench.call(machine, at: 0x3000_0000)
        guard case .faulted(let fault) = outcome else { Issue.record("expected a fault, got \(outcome)"); return }
        #expect(fault.kind == .unmappedAccess(address: 0x3000_0000, access: .fetch))
    }

    /// vmov s0, r0; vmov r0, s0; bx lr
    static let fpProgram: [UInt16] = [0xEE00, 0x0A10, 0xEE10, 0x0A10, 0x4770]

    @Test(arguments: [false, true]) func anFPInstructionWithCPACRAtResetIsANOCPUsageFaultAtItsPC(pcFromHost: Bool) throws {
        let machine = try Bench.machine(pcFromHost: pcFromHost)
        try Bench.load(Self.fpProgram, into: machine)
        #expect(machine.systemControl.scb.cpacr == 0)

        let outcome = Bench.call(machine, arguments: [42])

        guard case .faulted(let fault) = outcome else { Issue.record("expected a fault, got \(outcome)"); return }
        #expect(fault.kind == .coprocessorDenied(coprocessor: 10))
        #expect(fault.pc == Bench.codeBase)
        #expect(machine.systemControl.scb.cfsr & (1 << 19) != 0)  // UFSR.NOCP
        #expect(machine.systemControl.scb.hfsr & (1 << 30) != 0)  // HFSR.FORCED
    }

    @Test(arguments: [false, true]) func enablingCPACRInTheSameBlockBeforeTheFPInstructionLetsItRun(pcFromHost: Bool) throws {
        let machine = try Bench.machine(pcFromHost: pcFromHost)
        try Bench.load([
            0xF64E, 0x5188,  // 00 movw r1, #0xED88
            0xF2CE, 0x0100,  // 04 movt r1, #0xE000      ; CPACR
            0x680A,          // 08 ldr r2, [r1]
            0xF442, 0x0270,  // 0a orr r2, r2, #0xF00000 ; CP10, CP11 full access
            0x600A,          // 0e str r2, [r1]
            0xEE00, 0x0A10,  // 10 vmov s0, r0
            0xEE10, 0x0A10,  // 14 vmov r0, s0
            0x1C40,          // 18 adds r0, r0, #1
            0x4770,          // 1a bx lr
        ], into: machine)

        #expect(Bench.call(machine, arguments: [41]) == .returned(r0: 42, r1: 0xE000_ED88))  // r1 still holds &CPACR
        #expect(machine.systemControl.scb.cpacr == 0x00F0_0000)
        #expect(machine.events.contains { $0.event == .cpacrWritten(old: 0, new: 0x00F0_0000) && $0.pc == Bench.codeBase + 0x0E })
    }

    @Test(arguments: [false, true]) func anUndefinedInstructionFaultsAtItsPC(pcFromHost: Bool) throws {
        let machine = try Bench.machine(pcFromHost: pcFromHost)
        try Bench.load([0xBF00, 0xDE07], into: machine)  // nop; udf #7
        let outcome = Bench.call(machine)
        guard case .faulted(let fault) = outcome else { Issue.record("expected a fault, got \(outcome)"); return }
        #expect(fault.kind == .undefinedInstruction)
        #expect(fault.pc == Bench.codeBase + 2)
    }

    @Test(arguments: [false, true]) func anSVCIsReportedWithItsImmediate(pcFromHost: Bool) throws {
        let machine = try Bench.machine(pcFromHost: pcFromHost)
        try Bench.load([0xDF05, 0x4770], into: machine)  // svc #5; bx lr
        let outcome = Bench.call(machine)
        guard case .faulted(let fault) = outcome else { Issue.record("expected a fault, got \(outcome)"); return }
        #expect(fault.kind == .supervisorCall(immediate: 5))
        #expect(fault.pc == Bench.codeBase)
    }

    @Test(arguments: [false, true]) func aBreakpointOtherThanTheTrampolineIsAFault(pcFromHost: Bool) throws {
        let machine = try Bench.machine(pcFromHost: pcFromHost)
        try Bench.load([0xBF00, 0xBE01], into: machine)  // nop; bkpt #1
        let outcome = Bench.call(machine)
        guard case .faulted(let fault) = outcome else { Issue.record("expected a fault, got \(outcome)"); return }
        #expect(fault.kind == .breakpoint(immediate: 1))
        #expect(fault.pc == Bench.codeBase + 2)
    }

    @Test(arguments: [false, true]) func aSystemResetRequestThroughAIRCRStopsTheCall(pcFromHost: Bool) throws {
        let machine = try Bench.machine(pcFromHost: pcFromHost)
        try Bench.load([
            0xF64E, 0x510C,  // 00 movw r1, #0xED0C
            0xF2CE, 0x0100,  // 04 movt r1, #0xE000  ; AIRCR
            0xF240, 0x0204,  // 08 movw r2, #0x0004  ; SYSRESETREQ
            0xF2C0, 0x52FA,  // 0c movt r2, #0x05FA  ; VECTKEY
            0x600A,          // 10 str r2, [r1]
            0xE7FE,          // 12 b .
        ], into: machine)
        #expect(Bench.call(machine) == .resetRequested(pc: Bench.codeBase + 0x10))
    }

    /// The branch to an EXC_RETURN value in Thread mode is the faulting instruction (with no
    /// per-instruction hook, the machine finds it as the last instruction of its block).
    @Test(arguments: [false, true]) func anExceptionReturnOutsideAHandlerFaultsAtTheBranch(pcFromHost: Bool) throws {
        let machine = try Bench.machine(pcFromHost: pcFromHost)
        try Bench.load([
            0xF06F, 0x0006,  // 00 mvn r0, #6   ; 0xFFFFFFF9
            0xBF00,          // 04 nop
            0x4700,          // 06 bx r0
        ], into: machine)

        let outcome = Bench.call(machine)

        guard case .faulted(let fault) = outcome else { Issue.record("expected a fault, got \(outcome)"); return }
        #expect(fault.kind == .hardFault("exception return (EXC_RETURN) outside any handler"))
        #expect(fault.pc == Bench.codeBase + 6)
    }
}
