import VirtualTime

/// Whether the interposed helpers (`CUnicornStores`) are right with the libunicorn this
/// process loaded: PCs taken from the host code, and peripheral accesses routed straight to
/// the MMIO callbacks. The interposition binds by symbol name, and a libunicorn whose helpers
/// or `restore_state_to_opc` changed shape would bind and still be wrong. Checked once per
/// process on a small program whose accesses' PCs, offsets, widths and values are known; a
/// machine keeps the per-instruction hook and Unicorn's dispatch unless it passes.
enum HostPCCheck {
    static let passes: Bool = Machine.accessPCInterposed && run()

    struct Access: Equatable {
        var pc: UInt32
        var offset: UInt32
        var width: AccessWidth
        var value: UInt32
    }

    /// Records each access with the PC the machine gives it. Reads answer a word whose upper
    /// bytes a byte load must not see.
    private final class Probe: Peripheral {
        let name = "HOST-PC-CHECK"
        let clock: VirtualClock
        var accesses: [Access] = []
        init(clock: VirtualClock) { self.clock = clock }
        func read(offset: UInt32, width: AccessWidth, error: inout BusErrorKind?) -> UInt32 {
            let value = 0xA5C3_0000 | offset
            accesses.append(Access(pc: clock.currentPC, offset: offset, width: width, value: value))
            return value
        }
        func write(offset: UInt32, width: AccessWidth, value: UInt32, error: inout BusErrorKind?) {
            accesses.append(Access(pc: clock.currentPC, offset: offset, width: width, value: value))
        }
    }

    private static func run() -> Bool {
        let ram: UInt32 = 0x2000_0000, code: UInt32 = 0x2000_0100, device: UInt32 = 0x4000_0000
        // ldr r2, [r1]; nop; str r2, [r1, #4]; ldrb r3, [r1, #8]; bx lr (after a BKPT trampoline).
        let program: [UInt16] = [0x680A, 0xBF00, 0x604A, 0x7A0B, 0x4770]
        do {
            let machine = try Machine(clock: VirtualClock(coreFrequencyHz: 4_000_000))
            machine.checkingHostPC = true
            machine.takesPCFromHostWhenPossible = true
            machine.routesMMIODirectlyWhenPossible = true
            guard machine.pcFromHost else { return false }
            let probe = Probe(clock: machine.clock)
            try machine.mapRAM(name: "SRAM", base: ram, size: 0x1000)
            try machine.map(probe, base: device, size: 0x400)
            try machine.writeMemory([0x00, 0xBE], at: ram)
            try machine.writeMemory(program.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] }, at: code)
            let outcome = machine.call(code | 1, arguments: [0, device], stackPointer: ram + 0x1000, returnAddress: ram,
                                       budget: CallBudget(maxInstructions: 1_000, hostTimeLimitSeconds: 5))
            guard case .returned = outcome else { return false }
            let expected = [Access(pc: code, offset: 0, width: .word, value: 0xA5C3_0000),
                            Access(pc: code + 4, offset: 4, width: .word, value: 0xA5C3_0000),
                            Access(pc: code + 6, offset: 8, width: .byte, value: 0xA5C3_0008)]
            return probe.accesses == expected && machine.readRegister(.general(3)) == 0x08
                && machine.unresolvedAccessPCs == 0 && machine.directMMIOAccesses == 3
        } catch {
            return false
        }
    }
}
