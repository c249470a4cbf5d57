import CortexM
import Testing
import VirtualTime

@Suite("System control space: SysTick, DWT, SCB")
struct SystemControlTests {
    @Test func countFlagSetsAfterLoadPlusOneTicksAndClearsOnRead() throws {
        let machine = try Bench.machine(coreHz: 1_000_000)
        let scs = machine.systemControl
        var error: BusErrorKind?
        scs.write(offset: 0x14, width: .word, value: 99, error: &error)  // LOAD
        scs.write(offset: 0x18, width: .word, value: 0, error: &error)   // VAL: clear
        scs.write(offset: 0x10, width: .word, value: 0b101, error: &error)  // ENABLE, CLKSOURCE = processor

        machine.clock.advance(cycles: 99)
        #expect(scs.read(offset: 0x10, width: .word, error: &error) & (1 << 16) == 0)
        #expect(scs.read(offset: 0x18, width: .word, error: &error) == 1)
        machine.clock.advance(cycles: 1)  // tick LOAD + 1: 1 -> 0
        #expect(scs.read(offset: 0x10, width: .word, error: &error) == 0x0001_0005)
        #expect(scs.read(offset: 0x10, width: .word, error: &error) == 0x0000_0005)  // cleared by the read
        machine.clock.advance(cycles: 1)  // reload
        #expect(scs.read(offset: 0x18, width: .word, error: &error) == 99)
        #expect(error == nil)
    }

    @Test func theExternalReferenceCountsAtAnEighthOfTheCoreClock() throws {
        let machine = try Bench.machine(coreHz: 8_000_000)
        let scs = machine.systemControl
        var error: BusErrorKind?
        scs.write(offset: 0x14, width: .word, value: 1000, error: &error)
        scs.write(offset: 0x18, width: .word, value: 0, error: &error)
        scs.write(offset: 0x10, width: .word, value: 0b001, error: &error)  // CLKSOURCE = 0
        machine.clock.advance(cycles: 80)  // 10 ticks of core/8: reload, then 9 down
        #expect(scs.read(offset: 0x18, width: .word, error: &error) == 991)
    }

    /// LOAD = 99, VAL = 0, CTRL = ENABLE|TICKINT|CLKSOURCE, then spin.
    static func sysTickProgram(maskFirst: Bool) -> [UInt16] {
        let setup: [UInt16] = [
            0xF24E, 0x0110,  // movw r1, #0xE010
            0xF2CE, 0x0100,  // movt r1, #0xE000   ; SysTick CTRL
            0x2263,          // movs r2, #99
            0x604A,          // str r2, [r1, #4]   ; LOAD
            0x2200,          // movs r2, #0
            0x608A,          // str r2, [r1, #8]   ; VAL
            0x2207,          // movs r2, #7
            0x600A,          // str r2, [r1]       ; CTRL
        ]
        return maskFirst ? [0xB672] + setup + [0xE7FE]  // cpsid i … b .
            : setup + [0xB662, 0xE7FE]                  // … cpsie i; b .
    }

    @Test(arguments: [false, true]) func aSysTickWrapWithTICKINTAndInterruptsEnabledTakesException15(pcFromHost: Bool) throws {
        let machine = try Bench.machine(pcFromHost: pcFromHost)
        try Bench.load(Self.sysTickProgram(maskFirst: false), into: machine)
        machine.systemControl.scb.vtor = 0x2000_0200
        try machine.writeWord(0x2000_0401, at: 0x2000_0200 + 15 * 4)

        let outcome = Bench.call(machine)

        guard case .exceptionTaken(let entry) = outcome else { Issue.record("expected SysTick, got \(outcome)"); return }
        #expect(entry.number == 15)
        #expect(entry.name == "SysTick")
        #expect(entry.vtor == 0x2000_0200)
        #expect(entry.handler == 0x2000_0401)
        #expect(entry.pc == Bench.codeBase + 0x16)  // the spin loop
        #expect(machine.events.contains { $0.event == .sysTickEnabled(interrupt: true, processorClock: true, reload: 99) })
    }

    @Test(arguments: [false, true]) func withPRIMASKSetTheWrapOnlySetsCOUNTFLAG(pcFromHost: Bool) throws {
        let machine = try Bench.machine(pcFromHost: pcFromHost)
        try Bench.load(Self.sysTickProgram(maskFirst: true), into: machine)

        let outcome = Bench.call(machine, budget: CallBudget(maxInstructions: 10_000, hostTimeLimitSeconds: 10))

        guard case .budgetExhausted = outcome else { Issue.record("expected the budget to run out, got \(outcome)"); return }
        #expect(machine.readRegister(.primask) == 1)
        var error: BusErrorKind?
        #expect(machine.systemControl.read(offset: 0x10, width: .word, error: &error) & (1 << 16) != 0)
        #expect(machine.systemControl.read(offset: 0xD04, width: .word, error: &error) & (1 << 26) != 0)  // ICSR.PENDSTSET
    }

    @Test(arguments: [false, true]) func dwtCycleCounterAdvancesWithRetiredInstructions(pcFromHost: Bool) throws {
        let machine = try Bench.machine(pcFromHost: pcFromHost)
        try Bench.load([
            0xF64E, 0x51FC,  // 00 movw r1, #0xEDFC
            0xF2CE, 0x0100,  // 04 movt r1, #0xE000   ; DEMCR
            0xF04F, 0x7280,  // 08 mov.w r2, #0x01000000 ; TRCENA
            0x600A,          // 0c str r2, [r1]
            0xF241, 0x0100,  // 0e movw r1, #0x1000
            0xF2CE, 0x0100,  // 12 movt r1, #0xE000   ; DWT CTRL
            0x2201,          // 16 movs r2, #1        ; CYCCNTENA
            0x600A,          // 18 str r2, [r1]
            0x684B,          // 1a ldr r3, [r1, #4]   ; CYCCNT before
            0x2064,          // 1c movs r0, #100
            0x1E40,          // 1e loop: subs r0, r0, #1
            0xD1FD,          // 20 bne loop
            0x6848,          // 22 ldr r0, [r1, #4]   ; CYCCNT after
            0x1AC0,          // 24 subs r0, r0, r3
            0x4770,          // 26 bx lr
        ], into: machine)

        let outcome = Bench.call(machine)

        guard case .returned(let elapsed, _) = outcome else { Issue.record("expected a return, got \(outcome)"); return }
        // 100 iterations of 2 instructions, plus the instructions around them in the same
        // blocks (time is charged when a block is entered).
        #expect(elapsed >= 200 && elapsed <= 210)
    }

    @Test(arguments: [false, true]) func cyccntStaysStillWithoutTRCENA(pcFromHost: Bool) throws {
        let machine = try Bench.machine(pcFromHost: pcFromHost)
        var error: BusErrorKind?
        machine.dwt.write(offset: 0, width: .word, value: 1, error: &error)
        machine.clock.advance(cycles: 1000)
        #expect(machine.dwt.read(offset: 4, width: .word, error: &error) == 0)
    }

    @Test(arguments: [false, true]) func scbResetValuesAndKeyedWrites(pcFromHost: Bool) throws {
        let machine = try Bench.machine(pcFromHost: pcFromHost)
        let scs = machine.systemControl
        var error: BusErrorKind?
        #expect(scs.read(offset: 0xD00, width: .word, error: &error) == 0x410F_D214)  // CPUID
        #expect(scs.read(offset: 0xD0C, width: .word, error: &error) == 0xFA05_0000)  // AIRCR
        #expect(scs.read(offset: 0xD88, width: .word, error: &error) == 0)            // CPACR
        scs.write(offset: 0xD0C, width: .word, value: 0x0000_0004, error: &error)     // no VECTKEY
        #expect(machine.events.last.map { if case .writeIgnored = $0.event { true } else { false } } == true)
        scs.write(offset: 0xD08, width: .word, value: 0x2000_0200, error: &error)
        #expect(scs.scb.vtor == 0x2000_0200)
        #expect(machine.events.last?.event == .vtorWritten(0x2000_0200))
    }

    @Test(arguments: [false, true]) func nvicEnablesAreRecorded(pcFromHost: Bool) throws {
        let machine = try Bench.machine(pcFromHost: pcFromHost)
        var error: BusErrorKind?
        machine.systemControl.write(offset: 0x104, width: .word, value: 0x0000_0011, error: &error)  // ISER1
        #expect(machine.events.last?.event == .interruptsEnabled(irqs: [32, 36]))
        #expect(machine.systemControl.nvic.enabled[1] == 0x11)
    }

    @Test(arguments: [false, true]) func pendSVSetThroughICSRIsTakenAtTheNextInstruction(pcFromHost: Bool) throws {
        let machine = try Bench.machine(pcFromHost: pcFromHost)
        try Bench.load([0xBF00, 0xE7FE], into: machine)  // nop; b .
        var error: BusErrorKind?
        machine.systemControl.write(offset: 0xD04, width: .word, value: 1 << 28, error: &error)  // ICSR.PENDSVSET
        let outcome = Bench.call(machine)
        guard case .exceptionTaken(let entry) = outcome else { Issue.record("expected PendSV, got \(outcome)"); return }
        #expect(entry.number == 14)
        #expect(entry.name == "PendSV")
        #expect(entry.pc == Bench.codeBase)
        #expect(entry.handler == nil)  // VTOR 0: nothing mapped there
    }

    @Test(arguments: [false, true]) func aSoftwarePendedIRQIsTakenOnlyOnceEnabled(pcFromHost: Bool) throws {
        let machine = try Bench.machine(pcFromHost: pcFromHost)
        try Bench.load([0xE7FE], into: machine)  // b .
        var error: BusErrorKind?
        machine.systemControl.write(offset: 0x200, width: .word, value: 1 << 3, error: &error)  // ISPR0: IRQ3
        let budget = CallBudget(maxInstructions: 1_000, hostTimeLimitSeconds: 10)
        guard case .budgetExhausted = Bench.call(machine, budget: budget) else { Issue.record("a disabled IRQ must not be taken"); return }
        machine.systemControl.write(offset: 0x100, width: .word, value: 1 << 3, error: &error)  // ISER0: IRQ3
        guard case .exceptionTaken(let entry) = Bench.call(machine, budget: budget) else { Issue.record("expected IRQ3"); return }
        #expect(entry.number == 19)
        #expect(entry.name == "IRQ3")
    }

    @Test func wfiSleepsUntilTheSysTickWrapAndTakesTheException() throws {
        let machine = try Bench.machine(coreHz: 4_000_000)
        let setup = Array(Self.sysTickProgram(maskFirst: false).dropLast())  // … cpsie i
        try Bench.load(setup + [0xBF30, 0xE7FE], into: machine)              // wfi; b .
        let start = machine.clock.now

        let outcome = Bench.call(machine)

        guard case .exceptionTaken(let entry) = outcome else { Issue.record("expected SysTick, got \(outcome)"); return }
        #expect(entry.number == 15)
        #expect(entry.pc == Bench.codeBase + 0x18)  // the instruction after WFI
        // LOAD + 1 = 100 ticks at 4 MHz: the clock slept to the wrap, 25 µs after the start.
        #expect(machine.clock.now - start >= .microseconds(25))
    }

    @Test(arguments: [false, true]) func wfiWithNothingToWakeTheCoreIsReported(pcFromHost: Bool) throws {
        let machine = try Bench.machine(pcFromHost: pcFromHost)
        try Bench.load([0xBF30, 0x4770], into: machine)  // wfi; bx lr
        let outcome = Bench.call(machine)
        guard case .faulted(let fault) = outcome else { Issue.record("expected a fault, got \(outcome)"); return }
        #expect(fault.pc == Bench.codeBase)
    }

    @Test(arguments: [false, true]) func wfeIsTreatedAsANOP(pcFromHost: Bool) throws {
        let machine = try Bench.machine(pcFromHost: pcFromHost)
        try Bench.load([0x2001, 0xBF20, 0x2002, 0x4770], into: machine)  // movs r0,#1; wfe; movs r0,#2; bx lr
        #expect(Bench.call(machine) == .returned(r0: 2, r1: 0))
    }

    @Test func sysTickKeepsCountingAtTheNewRateWhenSYSCLKChanges() throws {
        let machine = try Bench.machine(coreHz: 1_000_000)
        let scs = machine.systemControl
        var error: BusErrorKind?
        scs.write(offset: 0x14, width: .word, value: 1000, error: &error)
        scs.write(offset: 0x18, width: .word, value: 0, error: &error)
        scs.write(offset: 0x10, width: .word, value: 0b101, error: &error)
        try Bench.load([0x2001, 0x4770], into: machine)  // movs r0, #1; bx lr: 2 cycles
        #expect(Bench.call(machine) == .returned(r0: 1, r1: 0))  // 2 ticks at 1 MHz
        machine.clock.advance(by: .microseconds(98))               // 98 more: 100 ticks, VAL = 901
        machine.clock.coreFrequencyHz = 2_000_000                  // the RCC switches SYSCLK
        #expect(Bench.call(machine) == .returned(r0: 1, r1: 0))  // 2 ticks at 2 MHz
        #expect(scs.read(offset: 0x18, width: .word, error: &error) == 899)
    }
}
