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
}
