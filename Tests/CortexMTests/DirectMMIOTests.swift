import CortexM
import Testing
import VirtualTime

/// The direct route (`Machine.routesMMIODirectlyWhenPossible`): aligned peripheral accesses go
/// from libunicorn's helper to the MMIO callbacks without Unicorn's dispatch. Each case runs
/// with the route and without it and expects the same bus traffic, registers and faults.
@Suite("Peripherals reached directly")
struct DirectMMIOTests {
    /// Answers every read with a full word, whatever its width: what reaches a register must be
    /// cut to the access size (QEMU's memory API cuts it on its path).
    final class WideAnswer: Peripheral {
        let name = "WIDE"
        let clock: VirtualClock
        var reads: [(offset: UInt32, width: AccessWidth)] = []
        init(clock: VirtualClock) { self.clock = clock }
        func read(offset: UInt32, width: AccessWidth, error: inout BusErrorKind?) -> UInt32 {
            reads.append((offset, width))
            return 0xDEAD_BE00 | offset
        }
        func write(offset: UInt32, width: AccessWidth, value: UInt32, error: inout BusErrorKind?) {}
    }

    static func machine(direct: Bool) throws -> Machine {
        #if os(Linux)
        // Where the helpers are interposed the route must pass its check, or these cases
        // would compare Unicorn's dispatch with itself.
        #expect(Machine.hostPCCheckPasses)
        #endif
        return try Bench.machine(pcFromHost: direct)
    }

    @Test(arguments: [false, true]) func aByteOrHalfwordLoadSeesOnlyItsBytes(direct: Bool) throws {
        let machine = try Self.machine(direct: direct)
        let wide = WideAnswer(clock: machine.clock)
        try machine.map(wide, base: 0x4000_0000, size: 0x400)
        try Bench.load([
            0xF04F, 0x4180,  // 00 mov.w r1, #0x40000000
            0x7848,          // 04 ldrb r0, [r1, #1]
            0x884A,          // 06 ldrh r2, [r1, #2]
            0x4770,          // 08 bx lr
        ], into: machine)

        #expect(Bench.call(machine) == .returned(r0: 0x01, r1: 0x4000_0000))
        #expect(machine.lastRegisters?.r[2] == 0xBE02)
        #expect(wide.reads.map(\.offset) == [1, 2] && wide.reads.map(\.width) == [.byte, .halfword])
        #expect(machine.directMMIOAccesses == (direct && Machine.hostPCCheckPasses ? 2 : 0))
    }

    /// A memory hook that may see a peripheral access: the Device-region ones, a debugger's.
    @Test(arguments: ["device hooks", "debugger"]) func aMemoryHookKeepsEveryAccessOnUnicornsDispatch(hook: String) throws {
        let machine = try Self.machine(direct: true)
        if hook == "debugger" { try machine.enableDebugging() } else { try machine.setDeviceAccessHooks(true) }
        let recorder = RecordingPeripheral(clock: machine.clock)
        try machine.map(recorder, base: 0x4000_0000, size: 0x400)
        try Bench.load(BusTests.accessProgram, into: machine)

        #expect(Bench.call(machine) == .returned(r0: 0xA5A5_000C, r1: 0x4000_0000))
        #expect(recorder.accesses.count == 5)
        #expect(machine.directMMIOAccesses == 0)
    }

    @Test func theSystemControlSpaceIsNeverReachedDirectly() throws {
        let machine = try Self.machine(direct: true)
        let recorder = RecordingPeripheral(clock: machine.clock)
        try machine.map(recorder, base: 0x4000_0000, size: 0x400)
        try Bench.load([
            0xF64E, 0x5100,  // 00 movw r1, #0xED00
            0xF2CE, 0x0100,  // 04 movt r1, #0xE000
            0x6808,          // 08 ldr r0, [r1]       (CPUID)
            0xF04F, 0x4180,  // 0a mov.w r1, #0x40000000
            0x684A,          // 0e ldr r2, [r1, #4]
            0x4770,          // 10 bx lr
        ], into: machine)

        #expect(Bench.call(machine) == .returned(r0: 0x410F_D214, r1: 0x4000_0000))
        #expect(recorder.accesses.map(\.offset) == [4])
        #expect(machine.directMMIOAccesses == (Machine.hostPCCheckPasses ? 1 : 0))
    }
}
