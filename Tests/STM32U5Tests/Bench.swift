import Board
import CortexM
import NORFlash
@testable import STM32U5
import VirtualTime

/// Drives the SoC by absolute addresses, as firmware would, without a CPU.
final class Bench {
    let clock = VirtualClock()
    /// The recording double, when the bench was built with one (most model tests).
    let flash: RecordingFlash
    /// What the board's wiring actually reaches: the double or a real `NORFlash`.
    let device: SPIDevice
    let soc: STM32U5G7
    var busErrors: [BusErrorKind] = []

    init(board: Board = .defaultBoard, flash: RecordingFlash = RecordingFlash()) {
        self.flash = flash
        device = flash
        soc = STM32U5G7(board: board, flash: flash, clock: clock)
    }

    /// A bench wired to any SPI device, e.g. the real IS25LP512M model.
    init(board: Board = .defaultBoard, device: SPIDevice) {
        flash = RecordingFlash()
        self.device = device
        soc = STM32U5G7(board: board, flash: device, clock: clock)
    }

    private func region(_ address: UInt32) -> STM32U5G7.MMIORegion? {
        soc.mmioRegions.first { address >= $0.base && UInt64(address) < UInt64($0.base) + UInt64($0.size) }
    }

    @discardableResult
    func read(_ address: UInt32, _ width: AccessWidth = .word) -> UInt32 {
        guard let r = region(address) else { busErrors.append(.unmapped); return 0 }
        var error: BusErrorKind?
        let v = r.peripheral.read(offset: address - r.base, width: width, error: &error)
        if let error { busErrors.append(error) }
        return v
    }

    func write(_ address: UInt32, _ value: UInt32, _ width: AccessWidth = .word) {
        guard let r = region(address) else { busErrors.append(.unmapped); return }
        var error: BusErrorKind?
        r.peripheral.write(offset: address - r.base, width: width, value: value, error: &error)
        if let error { busErrors.append(error) }
    }

    func modify(_ address: UInt32, clear: UInt32 = 0, set: UInt32) {
        write(address, (read(address) & ~clear) | set)
    }

    func events() -> [SoCEvent] { soc.drainEvents().map(\.event) }

    // MARK: addresses

    static let rcc: UInt32 = 0x4602_0C00
    static let ahb1enr = rcc + 0x88, ahb2enr1 = rcc + 0x8C, ahb2enr2 = rcc + 0x90, ahb3enr = rcc + 0x94
    static let pwr: UInt32 = 0x4602_0800
    static let flashACR: UInt32 = 0x4002_2000
    static let octospim: UInt32 = 0x420C_4000
    static let o1: UInt32 = 0x420D_1400
    static let cr = o1 + 0x000, dcr1 = o1 + 0x008, dcr2 = o1 + 0x00C, sr = o1 + 0x020, fcr = o1 + 0x024
    static let dlr = o1 + 0x040, ar = o1 + 0x048, dr = o1 + 0x050
    static let psmkr = o1 + 0x080, psmar = o1 + 0x088, pir = o1 + 0x090
    static let ccr = o1 + 0x100, tcr = o1 + 0x108, ir = o1 + 0x110
    static func gpio(_ port: Int) -> UInt32 { 0x4202_0000 + UInt32(port) * 0x400 }

    // MARK: bring-up steps (reference §C)

    func enableClocks() {
        // GPIOA, B, E and OCTOSPIM; OCTOSPI1; PWR.
        modify(Bench.ahb2enr1, set: 1 << 0 | 1 << 1 | 1 << 4 | 1 << 21)
        modify(Bench.ahb2enr2, set: 1 << 4)
        modify(Bench.ahb3enr, set: 1 << 2)
    }

    /// MODER = 10, AF as the board says, very high speed.
    func configurePin(_ pin: Pin, af: Int, pullUp: Bool = false) {
        let base = Bench.gpio(pin.port)
        let n = UInt32(pin.number)
        modify(base + 0x00, clear: 3 << (2 * n), set: 2 << (2 * n))
        modify(base + 0x08, set: 3 << (2 * n))
        if pullUp { modify(base + 0x0C, clear: 3 << (2 * n), set: 1 << (2 * n)) }
        let afr = base + (n < 8 ? 0x20 : 0x24)
        let shift = 4 * (n % 8)
        modify(afr, clear: 0xF << shift, set: UInt32(af) << shift)
    }

    func configureBoardPins(except skipped: FlashSignal? = nil) {
        for (signal, a) in soc.board.pins where signal != skipped { configurePin(a.pin, af: a.af) }
    }

    func routePort1ToOCTOSPI1() { write(Bench.octospim + 0x04, 0x0001_0101) }

    /// DEVSIZE 25 (64 MiB), CSHT 2 clocks, delay block bypassed, FCLK = kernel / 2,
    /// FIFO threshold 4, then EN (HAL_OSPI_Init order).
    func initOCTOSPI1() {
        write(Bench.dcr1, 25 << 16 | 1 << 8 | 1 << 3)
        write(Bench.dcr2, 1)
        write(Bench.cr, 3 << 8)
        write(Bench.cr, 3 << 8 | 1)
    }

    func bringUp() {
        enableClocks()
        configureBoardPins()
        routePort1ToOCTOSPI1()
        initOCTOSPI1()
    }

    func waitNotBusy() {
        var guardCount = 0
        while read(Bench.sr) & (1 << 5) != 0, guardCount < 1000 { guardCount += 1 }
    }

    func setFMODE(_ fmode: UInt32) {
        write(Bench.cr, (read(Bench.cr) & ~(3 << 28)) | fmode << 28)
    }

    /// An indirect command the way HAL_OSPI_Command + Transmit/Receive issue it.
    @discardableResult
    func command(_ instruction: UInt32, ccr: UInt32, address: UInt32? = nil, dummy: UInt32 = 0,
                 read count: Int? = nil, write data: [UInt8]? = nil) -> [UInt8] {
        waitNotBusy()
        setFMODE(count != nil ? 1 : 0)
        write(Bench.ccr, ccr)
        write(Bench.tcr, dummy)
        if let count { write(Bench.dlr, UInt32(count - 1)) }
        if let data { write(Bench.dlr, UInt32(data.count - 1)) }
        write(Bench.ir, instruction)
        if let address { write(Bench.ar, address) }
        var out: [UInt8] = []
        if let data { for b in data { write(Bench.dr, UInt32(b), .byte) } }
        if let count { for _ in 0..<count { out.append(UInt8(read(Bench.dr, .byte))) } }
        write(Bench.fcr, 2)
        return out
    }

    /// Auto-poll RDSR until WIP = 0 (reference §B.2 "Auto-polling for WIP").
    func pollWIP() {
        waitNotBusy()
        write(Bench.ccr, 0x0100_0001)
        write(Bench.tcr, 0)
        write(Bench.dlr, 0)
        write(Bench.psmkr, 0x01)
        write(Bench.psmar, 0x00)
        write(Bench.pir, 0x10)
        write(Bench.cr, (read(Bench.cr) & ~(3 << 28)) | 2 << 28 | 1 << 22)
        write(Bench.ir, 0x05)
        write(Bench.fcr, 8)
    }

    func enterMemoryMapped(readInstruction: UInt32 = 0x6C, ccr: UInt32 = 0x0300_3101, dummy: UInt32 = 8) {
        waitNotBusy()
        write(Bench.ccr, ccr)
        write(Bench.tcr, dummy)
        write(Bench.ir, readInstruction)
        setFMODE(3)
    }
}
