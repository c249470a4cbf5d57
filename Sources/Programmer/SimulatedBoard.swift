import Board
import CortexM
import NORFlash
import STM32U5
import VirtualTime

/// One board on the bench: the core, the STM32U5G7 around it, the flash behind the board's
/// wiring, and the clock they share.
///
/// ```
///   Machine (Cortex-M33) ──MMIO──► STM32U5G7 models ──SPITransaction──► PCStamp ──► NORFlash
///          └── SRAM1-6, SRAM4, internal flash (plain RAM regions)
/// ```
/// It lives for a whole programming session: CubeProgrammer halts the core and downloads the
/// loader again for each operation, but never resets the chip in between, so peripheral
/// state (an OCTOSPI left memory-mapped, a flash left in QPI) carries over, as on the bench.
public final class SimulatedBoard {
    public static let sramBase: UInt32 = 0x2000_0000
    /// SRAM1, 2, 3, 5 and 6 are contiguous on the U5G7 (stm32u5.md §B.1).
    public static let sramSize: UInt32 = 0x2F_0000
    public static let internalFlash: ClosedRange<UInt32> = 0x0800_0000...0x083F_FFFF

    public let board: Board
    public let clock: VirtualClock
    public let flash: NORFlash
    public let soc: STM32U5G7
    public let machine: Machine

    public init(board: Board, flash: NORFlash, fastPaths: Bool = true) throws(MachineError) {
        self.board = board
        let clock = VirtualClock(coreFrequencyHz: 4_000_000)
        self.clock = clock
        self.flash = flash
        let stamped = PCStampingDevice(flash: flash, clock: clock)
        soc = STM32U5G7(board: board, flash: stamped, clock: clock)
        soc.fastPaths = fastPaths
        machine = try Machine(clock: clock)
        try machine.mapRAM(name: "FLASH (internal)", base: Self.internalFlash.lowerBound, size: 0x40_0000)
        try machine.mapRAM(name: "SRAM1-6", base: Self.sramBase, size: Self.sramSize)
        try machine.mapRAM(name: "SRAM4", base: 0x2800_0000, size: 0x4000)
        for region in soc.mmioRegions {
            try machine.map(region.peripheral, base: region.base, size: region.size)
        }
    }
}

/// Copies the core's current PC into the flash before each exchange, so the flash's events
/// name the instruction that started the transfer.
final class PCStampingDevice: SPIDevice {
    let flash: NORFlash
    let clock: VirtualClock

    init(flash: NORFlash, clock: VirtualClock) {
        self.flash = flash
        self.clock = clock
    }

    func exchange(_ transaction: SPITransaction, at now: DeviceTime) -> [UInt8] {
        flash.currentPC = clock.currentPC
        return flash.exchange(transaction, at: now)
    }

    var nextSelfTimedChange: DeviceTime? { flash.nextSelfTimedChange }
}
