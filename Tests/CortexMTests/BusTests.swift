import CortexM
import Testing
import VirtualTime

@Suite("MMIO bus")
struct BusTests {
    static let accessProgram: [UInt16] = [
        0xF04F, 0x4180,  // 00 mov.w r1, #0x40000000
        0x22AB,          // 04 movs r2, #0xAB
        0x704A,          // 06 strb r2, [r1, #1]
        0xF241, 0x2234,  // 08 movw r2, #0x1234
        0x80CA,          // 0c strh r2, [r1, #6]
        0xF64B, 0x62EF,  // 0e movw r2, #0xBEEF
        0xF6CD, 0x62AD,  // 12 movt r2, #0xDEAD
        0x608A,          // 16 str r2, [r1, #8]
        0x68C8,          // 18 ldr r0, [r1, #12]
        0x884B,          // 1a ldrh r3, [r1, #2]
        0x4770,          // 1c bx lr
    ]

    @Test(arguments: [false, true]) func aPeripheralSeesOffsetsWidthsValuesAndTheExactPC(pcFromHost: Bool) throws {
        let machine = try Bench.machine(pcFromHost: pcFromHost)
        let recorder = RecordingPeripheral(clock: machine.clock)
        try machine.map(recorder, base: 0x4000_0000, size: 0x400)
        try Bench.load(Self.accessProgram, into: machine)

        #expect(Bench.call(machine) == .returned(r0: 0xA5A5_000C, r1: 0x4000_0000))  // r1 still holds the base

        let pc = Bench.codeBase
        #expect(recorder.accesses == [
            .init(write: true, offset: 1, width: .byte, value: 0xAB, pc: pc + 0x06),
            .init(write: true, offset: 6, width: .halfword, value: 0x1234, pc: pc + 0x0C),
            .init(write: true, offset: 8, width: .word, value: 0xDEAD_BEEF, pc: pc + 0x16),
            .init(write: false, offset: 12, width: .word, value: 0xA5A5_000C, pc: pc + 0x18),
            .init(write: false, offset: 2, width: .halfword, value: 0x0002, pc: pc + 0x1A),
        ])
        #expect(machine.lastRegisters?.r[3] == 0x0002)
        #expect(machine.directMMIOAccesses == (pcFromHost && Machine.hostPCCheckPasses ? 5 : 0))
    }

    @Test(arguments: [false, true]) func aPeripheralThatSetsAnErrorEndsTheCallWithABusFault(pcFromHost: Bool) throws {
        let machine = try Bench.machine(pcFromHost: pcFromHost)
        let recorder = RecordingPeripheral(clock: machine.clock)
        recorder.refusedOffset = 8
        try machine.map(recorder, base: 0x4000_0000, size: 0x400)
        try Bench.load(Self.accessProgram, into: machine)

        let outcome = Bench.call(machine)

        guard case .faulted(let fault) = outcome else { Issue.record("expected a fault, got \(outcome)"); return }
        #expect(fault.kind == .busError(address: 0x4000_0008, peripheral: "RECORDER",
                                        why: .rejected("the test double refuses offset 0x8")))
        #expect(fault.pc == Bench.codeBase + 0x16)
        // Nothing after the faulting store reached the bus.
        #expect(recorder.accesses.count == 3)
    }

    /// An unaligned word load and an unaligned halfword store (QEMU makes the load two aligned
    /// words and the store single bytes, the latter from inside its own helper).
    static let unalignedAccesses: [(program: [UInt16], fault: Fault.Kind, pc: UInt32)] = [
        ([0xF04F, 0x4180,   // 00 mov.w r1, #0x40000000
          0xF8D1, 0x0002,   // 04 ldr.w r0, [r1, #2]
          0x4770],          // 08 bx lr
         .unalignedAccess(address: 0x4000_0002, width: .word, access: .read), 4),
        ([0xF04F, 0x4180,   // 00 mov.w r1, #0x40000000
          0xF241, 0x2234,   // 04 movw r2, #0x1234
          0xF8A1, 0x2001,   // 08 strh.w r2, [r1, #1]
          0x4770],          // 0c bx lr
         .unalignedAccess(address: 0x4000_0001, width: .halfword, access: .write), 8),
    ]

    @Test(arguments: [false, true], [0, 1]) func anUnalignedAccessToDeviceMemoryFaults(pcFromHost: Bool, access: Int) throws {
        let machine = try Bench.machine(pcFromHost: pcFromHost)
        let recorder = RecordingPeripheral(clock: machine.clock)
        try machine.map(recorder, base: 0x4000_0000, size: 0x400)
        let (program, kind, pc) = Self.unalignedAccesses[access]
        try Bench.load(program, into: machine)

        let outcome = Bench.call(machine)

        guard case .faulted(let fault) = outcome else { Issue.record("expected a fault, got \(outcome)"); return }
        #expect(fault.kind == kind)
        #expect(fault.pc == Bench.codeBase + pc)
        #expect(recorder.accesses.isEmpty)
        // Its pieces never take the direct route: only Unicorn's path sees the access whole.
        #expect(machine.directMMIOAccesses == 0)
    }

    @Test(arguments: [false, true]) func hostMemoryAccessOutsideRAMIsAnErrorNotACrash(pcFromHost: Bool) throws {
        let machine = try Bench.machine(pcFromHost: pcFromHost)
        #expect(throws: MachineError.notRAM(address: 0x2001_0000, count: 4)) { try machine.writeMemory([1, 2, 3, 4], at: 0x2001_0000) }
        #expect(throws: MachineError.notRAM(address: 0x2000_FFFE, count: 4)) { _ = try machine.readMemory(at: 0x2000_FFFE, count: 4) }
        #expect(throws: MachineError.self) { try machine.mapRAM(name: "odd", base: 0x3000_0100, size: 0x100) }
        #expect(throws: MachineError.self) { try machine.mapRAM(name: "overlap", base: 0x2000_8000, size: 0x1_0000) }
    }

    @Test(arguments: [false, true]) func fillRepeatsAPatternAcrossTheRange(pcFromHost: Bool) throws {
        let machine = try Bench.machine(pcFromHost: pcFromHost)
        try machine.fill(pattern: [0xDE, 0xAD, 0xBE], range: 0x2000_2001..<0x2000_2009)
        #expect(try machine.readMemory(at: 0x2000_2000, count: 10) == [0, 0xDE, 0xAD, 0xBE, 0xDE, 0xAD, 0xBE, 0xDE, 0xAD, 0])
        try machine.fill(0xFF, range: 0x2000_3000..<0x2000_3003)
        #expect(try machine.readMemory(at: 0x2000_3000, count: 4) == [0xFF, 0xFF, 0xFF, 0])
    }
}
