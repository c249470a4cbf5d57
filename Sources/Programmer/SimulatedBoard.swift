import Foundation
import Board
import CortexM
import NORFlash
import STM32U5
import VirtualTime

/// One board on the bench: the core, the STM32U5 family member around it (built from the
/// board's `MCUDescription`), the flash behind the board's wiring, and the clock they share.
///
/// ```
///   Machine (Cortex-M33) ──MMIO──► STM32U5SoC models ──SPITransaction──► PCStamp ──► NORFlash
///          └── the member's SRAMs and internal flash (plain RAM regions)
/// ```
/// It lives for a whole programming session: CubeProgrammer halts the core and downloads the
/// loader again for each operation, but never resets the chip in between, so peripheral
/// state (an OCTOSPI left memory-mapped, a flash left in QPI) carries over, as on the bench.
public final class SimulatedBoard {
    public static let sramBase: UInt32 = 0x2000_0000
    /// The default board's (STM32U5G7) contiguous SRAM1-6 (stm32u5.md §B.1).
    public static let sramSize: UInt32 = MCUDescription.stm32u5f7.programmerRAM.size
    public static let internalFlash: ClosedRange<UInt32> = 0x0800_0000...0x083F_FFFF

    /// The member's contiguous RAM from 0x2000_0000: where the programmer downloads the
    /// loader and puts its stack and buffers.
    public var ramSize: UInt32 { board.mcuDescription.programmerRAM.size }

    public let board: Board
    public let clock: VirtualClock
    public let flash: NORFlash
    public let soc: STM32U5SoC
    public let machine: Machine
    let stamping: PCStampingDevice?

    public init(board: Board, flash: NORFlash, permissive: Bool = false, fastPaths: Bool = true) throws(MachineError) {
        self.board = board
        let clock = VirtualClock(coreFrequencyHz: 4_000_000)
        self.clock = clock
        self.flash = flash
        let stamped = PCStampingDevice(flash: flash, clock: clock)
        stamping = stamped
        soc = STM32U5SoC(board: board, flash: stamped, clock: clock, permissive: permissive)
        soc.fastPaths = fastPaths
        machine = try Machine(clock: clock)
        machine.skipsStoreLocks = fastPaths
        machine.foldsWaitLoopsWhenPossible = fastPaths
        machine.opensBusWindows = fastPaths
        machine.takesPCFromHostWhenPossible = fastPaths
        machine.routesMMIODirectlyWhenPossible = fastPaths
        // The slow path checks Device alignment with memory hooks, the fast one in the MMIO
        // callbacks (LoadStoreDecoder): ExactnessTests compares them.
        try machine.setDeviceAccessHooks(!fastPaths)
        let mcu = board.mcuDescription
        // Below the SRAM and seldom touched by a loader: mapped in Unicorn on first access,
        // which keeps the SRAM the region Unicorn finds first (DeferredRAM).
        try machine.mapRAM(name: "FLASH (internal)", base: Self.internalFlash.lowerBound, size: mcu.internalFlashBytes, onFirstAccess: true)
        let main = mcu.programmerRAM
        try machine.mapRAM(name: main.name, base: main.base, size: main.size)
        for region in mcu.ram where region.base >= 0x2800_0000 {
            try machine.mapRAM(name: region.name, base: region.base, size: region.size)
        }
        for region in soc.mmioRegions {
            try machine.map(region.peripheral, base: region.base, size: region.size)
        }
        try machine.mapPendingMMIO()
    }
}

/// Copies the core's current PC into the flash before each exchange, so the flash's events
/// name the instruction that started the transfer; keeps what identification reads
/// (9Fh/9Eh/AFh JEDEC ID, 5Ah SFDP) returned, for `identify` and `flash-part-mismatch`.
final class PCStampingDevice: SPIDevice {
    let flash: NORFlash
    let clock: VirtualClock
    /// Identification reads in order: opcode, address (SFDP), bytes the flash drove, when.
    private(set) var identificationReads: [IdentificationRead] = []

    init(flash: NORFlash, clock: VirtualClock) {
        self.flash = flash
        self.clock = clock
    }

    func exchange(_ transaction: SPITransaction, at now: DeviceTime) -> [UInt8] {
        flash.currentPC = clock.currentPC
        let data = flash.exchange(transaction, at: now)
        if let instruction = transaction.instruction, case .read = transaction.direction, identificationReads.count < 64 {
            // Octal DTR parts take a 2-byte instruction: the opcode and its inverse.
            let opcode = UInt8(truncatingIfNeeded: transaction.instructionSize == 2 ? instruction >> 8 : instruction)
            if Self.isIdentificationRead(opcode) {
                identificationReads.append(IdentificationRead(opcode: opcode, address: transaction.address, bytes: Array(data.prefix(16)),
                                                              time: now, pc: clock.currentPC))
            }
        }
        return data
    }

    /// JEDEC ID (9Fh, 9Eh, AFh) or SFDP (5Ah); a switch, not an array built per read.
    static func isIdentificationRead(_ opcode: UInt8) -> Bool {
        switch opcode {
        case 0x9F, 0x9E, 0xAF, 0x5A: true
        default: false
        }
    }

    var nextSelfTimedChange: DeviceTime? { flash.nextSelfTimedChange }
    var isFrozen: Bool { flash.isFrozen }
}

/// One identification read a loader made (JEDEC ID or SFDP), with the bytes the flash drove.
public struct IdentificationRead: Hashable, Sendable {
    public var opcode: UInt8
    public var address: UInt32?
    public var bytes: [UInt8]
    public var time: DeviceTime
    public var pc: UInt32

    public var isJEDECID: Bool { opcode != 0x5A }
    public var hexBytes: String { bytes.map { String(format: "%02X", $0) }.joined(separator: " ") }
}

extension SimulatedBoard {
    /// The identification reads the loader made so far.
    public var identificationReads: [IdentificationRead] { stamping?.identificationReads ?? [] }
}
