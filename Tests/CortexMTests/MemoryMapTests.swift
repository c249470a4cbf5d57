import CortexM
import Testing
import VirtualTime

/// How the machine hands its memory map to Unicorn: contiguous peripherals as one region
/// (the machine picks the peripheral), and RAM mapped only when the guest first touches it.
/// Either way the guest must see the map it was given.
@Suite("Machine memory map")
struct MemoryMapTests {
    static let internalFlash: UInt32 = 0x0800_0000

    static func machineWithDeferredFlash() throws -> Machine {
        let machine = try Bench.machine()
        try machine.mapRAM(name: "FLASH (internal)", base: internalFlash, size: 0x10_0000, onFirstAccess: true)
        return machine
    }

    @Test("A deferred region reads back what the host wrote, before and after the guest maps it")
    func deferredRegionKeepsHostContent() throws {
        let machine = try Self.machineWithDeferredFlash()
        try machine.writeMemory([0x44, 0x33, 0x22, 0x11], at: Self.internalFlash + 0x10)
        #expect(try machine.readMemory(at: Self.internalFlash + 0x10, count: 4) == [0x44, 0x33, 0x22, 0x11])
        #expect(try machine.readMemory(at: Self.internalFlash + 0x20, count: 2) == [0, 0])
        try Bench.load([0x6800, 0x4770], into: machine)  // ldr r0, [r0]; bx lr
        let outcome = Bench.call(machine, arguments: [Self.internalFlash + 0x10])
        #expect(outcome == .returned(r0: 0x1122_3344, r1: 0))
        #expect(try machine.readMemory(at: Self.internalFlash + 0x10, count: 4) == [0x44, 0x33, 0x22, 0x11])
    }

    @Test("A guest store maps a deferred region and the host reads the stored word")
    func guestStoreReachesTheHost() throws {
        let machine = try Self.machineWithDeferredFlash()
        try Bench.load([0x6001, 0x4770], into: machine)  // str r1, [r0]; bx lr
        let outcome = Bench.call(machine, arguments: [Self.internalFlash + 0x20, 0xCAFE_F00D])
        #expect(outcome == .returned(r0: Self.internalFlash + 0x20, r1: 0xCAFE_F00D))
        #expect(try machine.readWord(at: Self.internalFlash + 0x20) == 0xCAFE_F00D)
    }

    @Test("Code the host placed in a deferred region runs")
    func codeRunsFromADeferredRegion() throws {
        let machine = try Self.machineWithDeferredFlash()
        try Bench.load([0x2007, 0x4770], into: machine, at: Self.internalFlash + 0x100)  // movs r0, #7; bx lr
        #expect(Bench.call(machine, at: Self.internalFlash + 0x100) == .returned(r0: 7, r1: 0))
    }

    @Test("An address in no region still faults, deferred regions or not")
    func unmappedStillFaults() throws {
        let machine = try Self.machineWithDeferredFlash()
        try Bench.load([0x6800, 0x4770], into: machine)  // ldr r0, [r0]; bx lr
        guard case .faulted(let fault) = Bench.call(machine, arguments: [0x0900_0000]) else {
            Issue.record("a read of 0x0900_0000 returned")
            return
        }
        #expect(fault.kind == .unmappedAccess(address: 0x0900_0000, access: .read))
        #expect(fault.pc == Bench.codeBase)
    }

    @Test("Adjacent peripherals share a region: each access reaches its own, with its offset and PC")
    func adjacentPeripheralsKeepTheirOffsets() throws {
        let machine = try Bench.machine()
        let a = RecordingPeripheral(clock: machine.clock)
        let b = RecordingPeripheral(clock: machine.clock)
        let c = RecordingPeripheral(clock: machine.clock)
        // Mapped out of order: a and b touch, c sits after a gap.
        try machine.map(c, base: 0x4000_1000, size: 0x400)
        try machine.map(b, base: 0x4000_0400, size: 0x400)
        try machine.map(a, base: 0x4000_0000, size: 0x400)
        // str r1, [r0]; str r1, [r2]; ldr r0, [r3]; bx lr
        try Bench.load([0x6001, 0x6011, 0x6818, 0x4770], into: machine)
        let outcome = Bench.call(machine, arguments: [0x4000_03FC, 5, 0x4000_0400, 0x4000_1008])
        #expect(outcome == .returned(r0: 0xA5A5_0008, r1: 5))
        let pc = Bench.codeBase
        #expect(a.accesses == [.init(write: true, offset: 0x3FC, width: .word, value: 5, pc: pc)])
        #expect(b.accesses == [.init(write: true, offset: 0, width: .word, value: 5, pc: pc + 2)])
        #expect(c.accesses == [.init(write: false, offset: 8, width: .word, value: 0xA5A5_0008, pc: pc + 4)])
        // The gap between b and c is no peripheral's.
        guard case .faulted(let fault) = Bench.call(machine, at: pc + 4, arguments: [0, 0, 0, 0x4000_0800]) else {
            Issue.record("a read in the gap returned")
            return
        }
        #expect(fault.kind == .unmappedAccess(address: 0x4000_0800, access: .read))
    }
}
