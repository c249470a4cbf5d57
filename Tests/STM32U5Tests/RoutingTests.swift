import Board
import NORFlash
import Testing
@testable import STM32U5

@Suite("OCTOSPIM and GPIO routing")
struct RoutingTests {
    @Test("OCTOSPIM changes only while both OCTOSPIs are disabled (reference §B.3 programming rule)")
    func octospimRule() {
        let b = Bench()
        b.bringUp()
        _ = b.events()
        b.write(Bench.octospim + 4, 0x0301_0111)
        #expect(b.read(Bench.octospim + 4) == 0x0001_0101)
        #expect(b.events().contains(.ignoredWrite(peripheral: "OCTOSPIM", register: "OCTOSPIM_PCR1", value: 0x0301_0111, reason: .octospiEnabled("OCTOSPI1"))))
    }

    @Test("A pin in analog mode blocks the transaction and the event names it (reference §B.5)")
    func analogPin() {
        let b = Bench()
        b.enableClocks()
        b.configureBoardPins(except: .io0)
        b.routePort1ToOCTOSPI1()
        b.initOCTOSPI1()
        _ = b.events()
        b.write(Bench.ccr, 1)
        b.write(Bench.ir, 0x06)
        #expect(b.flash.received.isEmpty)
        let e = b.events()
        let blocked = SoCEvent.signalBlocked(instance: 1, signal: .io0, pin: Pin("PE12")!, reason: .notAlternateFunction(moder: 3))
        #expect(e.contains(blocked))
        #expect(blocked.message == "PE12 (IO0) is in analog mode (MODER=11): OCTOSPI1's IO0 never reaches the flash")
        #expect(e.contains(.transaction(instance: 1, SPITransaction(instruction: 0x06), delivered: false)))
    }

    @Test("A wrong alternate function blocks the signal")
    func wrongAF() {
        let b = Bench()
        b.bringUp()
        b.configurePin(Pin("PB10")!, af: 9)
        _ = b.events()
        b.write(Bench.ccr, 1)
        b.write(Bench.ir, 0x06)
        #expect(b.flash.received.isEmpty)
        #expect(b.events().contains(.signalBlocked(instance: 1, signal: .clk, pin: Pin("PB10")!, reason: .wrongAlternateFunction(found: 9, expected: 10))))
    }

    @Test("OCTOSPI2 does not reach the flash on port 1 at reset routing; a read floats to 0x00 without pull-ups")
    func otherInstanceNotRouted() {
        let b = Bench()
        b.bringUp()
        b.modify(Bench.ahb2enr2, set: 1 << 8)
        let o2: UInt32 = 0x420D_2400
        b.write(o2 + 0x008, 25 << 16)
        b.write(o2 + 0x000, 1 << 28 | 1)
        b.write(o2 + 0x100, 0x0100_0001)
        b.write(o2 + 0x040, 2)
        b.write(o2 + 0x110, 0x9F)
        #expect(b.flash.received.isEmpty)
        #expect(b.read(o2 + 0x050) == 0)
        #expect(b.events().contains { if case .signalBlocked(2, .ncs, _, .portNotRouted(register: "PCR1", _, _)) = $0 { return true }; return false })
    }

    @Test("IO2/IO3 matter only for 4-line phases; unrouted, quad read data float to the pull level")
    func quadLinesOnly() {
        let b = Bench()
        b.enableClocks()
        b.configureBoardPins(except: .io3)
        b.configurePin(Pin("PE15")!, af: 0, pullUp: true)   // IO3 left as a pulled-up GPIO
        b.modify(Bench.gpio(4), clear: 3 << 30, set: 0)     // PE15 input
        b.routePort1ToOCTOSPI1()
        b.initOCTOSPI1()
        b.flash.memory[0] = 0x00
        let id = b.command(0x9F, ccr: 0x0100_0001, read: 3)
        #expect(id == [0x9D, 0x60, 0x1A], "1-line command unaffected")
        let quad = b.command(0x6C, ccr: 0x0300_3101, address: 0, dummy: 8, read: 1)
        #expect(quad == [0x88], "bits 7 and 3 ride IO3, which floats high")
    }

    @Test("GPIO BSRR sets and resets ODR; IDR reflects outputs (RM0456 §13.4)")
    func gpioBSRR() {
        let b = Bench()
        b.modify(Bench.ahb2enr1, set: 1 << 2)
        let c = Bench.gpio(2)
        b.write(c + 0x00, 0xFFFF_FFF5)   // PC0, PC1 outputs
        b.write(c + 0x18, 0x0000_0003)
        #expect(b.read(c + 0x14) == 3)
        b.write(c + 0x18, 0x0001_0000)
        #expect(b.read(c + 0x14) == 2)
        #expect(b.read(c + 0x10) & 3 == 2)
    }

    /// The flash's IO0/IO1 on port 1's IO4/IO5 pins, its clock on port 2, its chip select on
    /// port 1, IO2/IO3 not wired (a quad part used over two lines).
    static let crossPortBoard = Board(
        schema: 2, name: "dual-cross-port", mcu: "STM32U599", flash: "W25Q512JV", octospi: .init(instance: 1, port: 1),
        pins: [.ncs: .init(pin: Pin("PC11")!, af: 5), .clk: .init(pin: Pin("PF4")!, af: 5),
               .io0: .init(pin: Pin("PD4")!, af: 10), .io1: .init(pin: Pin("PD5")!, af: 10)],
        clock: .init(sysclkHz: 160_000_000, octospiDivider: 2))

    private func crossPortBench(pcr1: UInt32, pcr2: UInt32) -> Bench {
        let b = Bench(board: Self.crossPortBoard)
        b.modify(Bench.ahb2enr1, set: 1 << 2 | 1 << 3 | 1 << 5 | 1 << 21)   // GPIOC, D, F, OCTOSPIM
        b.modify(Bench.ahb2enr2, set: 1 << 4)
        b.modify(Bench.ahb3enr, set: 1 << 2)
        b.configureBoardPins()
        b.write(Bench.octospim + 0x04, pcr1)
        b.write(Bench.octospim + 0x08, pcr2)
        b.initOCTOSPI1()
        _ = b.events()
        return b
    }

    @Test("A flash on port 1's IO[7:4] pins with its clock on port 2 hears OCTOSPI1 when PCR1.IOHSRC feeds IO[3:0] and PCR2 routes the clock")
    func crossPortHighNibble() throws {
        try Self.crossPortBoard.validate(file: "dual.json")
        // PCR1: NCSEN, IOHEN with IOHSRC = 00 (OCTOSPI1 IO[3:0]); PCR2: CLKEN, CLKSRC = 0.
        let b = crossPortBench(pcr1: 1 << 8 | 1 << 24, pcr2: 1)
        let id = b.command(0x9F, ccr: 0x0100_0001, read: 3)
        #expect(id == [0x9D, 0x60, 0x1A])
        #expect(b.flash.received.count == 1)
        #expect(!b.events().contains { if case .signalBlocked = $0 { return true }; return false })
    }

    @Test("The same flash is not reached when port 1 routes IO[3:0] (IOLEN) instead of IO[7:4], or IO[7:4] from OCTOSPI1's upper nibble")
    func crossPortWrongNibble() {
        for (pcr1, source) in [(UInt32(1 << 8 | 1 << 16), "IOLEN"), (1 << 8 | 1 << 24 | 1 << 25, "IOHSRC=01")] {
            let b = crossPortBench(pcr1: pcr1, pcr2: 1)
            _ = b.command(0x9F, ccr: 0x0100_0001, read: 3)
            #expect(b.flash.received.isEmpty, "\(source)")
            let blocked = b.events().first { if case .signalBlocked(1, .io0, _, _) = $0 { return true }; return false }
            #expect(blocked == .signalBlocked(instance: 1, signal: .io0, pin: Pin("PD4")!,
                                              reason: .portNotRouted(register: "PCR1", field: "IOHEN/IOHSRC: port IO4 from OCTOSPI1 IO[3:0]", value: pcr1)), "\(source)")
        }
    }

    @Test("A quad command on a board that wires no IO2/IO3 sends its quad phase nowhere: the blocked lines are named as not wired")
    func quadPhaseOnATwoLineBoard() {
        let b = crossPortBench(pcr1: 1 << 8 | 1 << 24, pcr2: 1)
        _ = b.command(0x6C, ccr: 0x0300_3101, address: 0, dummy: 8, read: 1)
        let e = b.events()
        #expect(e.contains(.signalBlocked(instance: 1, signal: .io2, pin: nil, reason: .notWiredOnBoard)))
        #expect(e.contains(.signalBlocked(instance: 1, signal: .io3, pin: nil, reason: .notWiredOnBoard)))
        #expect(SoCEvent.signalBlocked(instance: 1, signal: .io2, pin: nil, reason: .notWiredOnBoard).message
            == "the board does not wire the flash's IO2 to the MCU (held high as WP#/HOLD#): OCTOSPI1's IO2 never reaches the flash")
    }

    @Test("Without an OCTOSPIM a flash on OCTOSPI1's IO[7:4] pins is driven only with CR.FSEL = 1")
    func u545UpperNibbleNeedsFSEL() throws {
        let board = Board(
            schema: 2, name: "u545-upper", mcu: "STM32U545", flash: "W25Q128JV", octospi: .init(instance: 1, port: 1),
            pins: [.ncs: .init(pin: Pin("PA4")!, af: 3), .clk: .init(pin: Pin("PB10")!, af: 10),
                   .io0: .init(pin: Pin("PD4")!, af: 10), .io1: .init(pin: Pin("PD5")!, af: 10),
                   .io2: .init(pin: Pin("PD6")!, af: 10), .io3: .init(pin: Pin("PD7")!, af: 10)],
            clock: .init(sysclkHz: 160_000_000, octospiDivider: 2))
        try board.validate(file: "u545.json")
        let b = Bench(board: board)
        b.modify(Bench.ahb2enr1, set: 1 << 0 | 1 << 1 | 1 << 3)
        b.modify(Bench.ahb2enr2, set: 1 << 4)
        b.modify(Bench.ahb3enr, set: 1 << 2)
        b.configureBoardPins()
        b.initOCTOSPI1()
        _ = b.events()
        _ = b.command(0x9F, ccr: 0x0100_0001, read: 3)
        #expect(b.flash.received.isEmpty)
        let e = b.events()
        #expect(e.contains(.signalBlocked(instance: 1, signal: .io0, pin: Pin("PD4")!, reason: .otherLine(pinLine: 4, drivingLine: 0))))
        // FSEL is written with EN = 0, as HAL_OSPI_Init does.
        b.write(Bench.cr, 3 << 8)
        b.write(Bench.cr, 3 << 8 | 1 << 7)
        b.write(Bench.cr, 3 << 8 | 1 << 7 | 1)
        #expect(b.command(0x9F, ccr: 0x0100_0001, read: 3) == [0x9D, 0x60, 0x1A])
        #expect(b.flash.received.count == 1)
    }
}
