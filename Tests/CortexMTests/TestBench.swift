import CortexM
import VirtualTime

/// A small board for the tests: 64 KiB of SRAM at 0x2000_0000 with CubeProgrammer's
/// return trampoline (BKPT 0xBE00) at its base, code at 0x2000_0100, stack top 0x2000_8000.
enum Bench {
    static let ramBase: UInt32 = 0x2000_0000
    static let codeBase: UInt32 = 0x2000_0100
    static let stackTop: UInt32 = 0x2000_8000

    /// `pcFromHost`: bus accesses and faults take their PC from the host code that made them,
    /// with no per-instruction hook (`Machine.takesPCFromHostWhenPossible`).
    static func machine(coreHz: UInt64 = 4_000_000, pcFromHost: Bool = false) throws -> Machine {
        let machine = try Machine(clock: VirtualClock(coreFrequencyHz: coreHz))
        // The machine's fast mode: PCs from the host code, peripherals reached directly.
        machine.takesPCFromHostWhenPossible = pcFromHost
        machine.routesMMIODirectlyWhenPossible = pcFromHost
        try machine.mapRAM(name: "SRAM1", base: ramBase, size: 0x1_0000)
        try machine.writeMemory([0x00, 0xBE], at: ramBase)  // BKPT #0, as CubeProgrammer writes it
        return machine
    }

    /// Thumb-2 halfwords in program order (a 32-bit instruction is two halfwords, first first).
    static func bytes(_ halfwords: [UInt16]) -> [UInt8] {
        halfwords.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] }
    }

    static func load(_ halfwords: [UInt16], into machine: Machine, at address: UInt32 = codeBase) throws {
        try machine.writeMemory(bytes(halfwords), at: address)
    }

    static func call(_ machine: Machine, at address: UInt32 = codeBase, arguments: [UInt32] = [],
                     budget: CallBudget = CallBudget(maxInstructions: 1_000_000, hostTimeLimitSeconds: 10)) -> CallOutcome {
        machine.call(address | 1, arguments: arguments, stackPointer: stackTop, returnAddress: ramBase, budget: budget)
    }
}

/// A test double on the bus: records every access with the PC the machine reported, answers
/// reads with 0xA5A5_0000 | offset (cut to the access width) and can refuse one offset.
final class RecordingPeripheral: Peripheral {
    struct Access: Equatable {
        var write: Bool
        var offset: UInt32
        var width: AccessWidth
        var value: UInt32
        var pc: UInt32
    }

    let name = "RECORDER"
    let clock: VirtualClock
    var accesses: [Access] = []
    var refusedOffset: UInt32?

    init(clock: VirtualClock) { self.clock = clock }

    func read(offset: UInt32, width: AccessWidth, error: inout BusErrorKind?) -> UInt32 {
        let full: UInt32 = 0xA5A5_0000 | offset
        let value = width == .word ? full : full & (width == .byte ? 0xFF : 0xFFFF)
        accesses.append(Access(write: false, offset: offset, width: width, value: value, pc: clock.currentPC))
        if offset == refusedOffset { error = .rejected("the test double refuses offset 0x\(String(offset, radix: 16))") }
        return value
    }

    func write(offset: UInt32, width: AccessWidth, value: UInt32, error: inout BusErrorKind?) {
        accesses.append(Access(write: true, offset: offset, width: width, value: value, pc: clock.currentPC))
        if offset == refusedOffset { error = .rejected("the test double refuses offset 0x\(String(offset, radix: 16))") }
    }
}
