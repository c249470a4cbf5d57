import Board
import NORFlash
import Testing
@testable import STM32U5

@Suite("OCTOSPI flags and GPIO details")
struct MoreOCTOSPITests {
    @Test("FTF is set in indirect-write mode before the first DR write (RM0456 OCTOSPI_SR.FTF: free FIFO space ≥ threshold)")
    func ftfBeforeFirstWrite() {
        let b = Bench()
        b.bringUp()
        b.write(Bench.ccr, 0x0100_3101)
        b.write(Bench.dlr, 3)
        b.write(Bench.ir, 0x12)
        b.write(Bench.ar, 0)
        #expect(b.read(Bench.sr) & 4 != 0)
    }

    @Test("Auto-polling OR mode (PMM=1) matches when any masked bit matches (reference §B.2 CR.PMM)")
    func orMatch() {
        let b = Bench()
        b.bringUp()
        b.flash.statusRegister = 0x40
        b.write(Bench.ccr, 0x0100_0001)
        b.write(Bench.dlr, 0)
        b.write(Bench.psmkr, 0x41)
        b.write(Bench.psmar, 0x41)
        b.write(Bench.pir, 0x10)
        b.write(Bench.cr, b.read(Bench.cr) | 2 << 28 | 1 << 22 | 1 << 23)
        b.write(Bench.ir, 0x05)
        #expect(b.read(Bench.sr) & 8 != 0, "SMF: QE (0x40) matches although WIP differs")
        #expect(b.soc.octospi1.pollCount == 1)
        #expect(b.read(Bench.dr, .byte) == 0, "DR keeps the last status read; the double reports WIP=0, QE masked off")
    }

    @Test("A DR read with nothing pending reads 0 and is an event")
    func emptyDataRegister() {
        let b = Bench()
        b.bringUp()
        _ = b.events()
        #expect(b.read(Bench.dr) == 0)
        #expect(b.events() == [.dataRegisterReadEmpty(instance: 1)])
    }

    @Test("A GPIO port whose clock is off ignores MODER writes, naming GPIOxEN; its pins stay analog and block the flash")
    func gpioClockOff() {
        let b = Bench()
        b.modify(Bench.ahb2enr1, set: 1 << 0 | 1 << 1 | 1 << 21)   // GPIOE forgotten
        b.modify(Bench.ahb2enr2, set: 1 << 4)
        b.configureBoardPins()
        b.routePort1ToOCTOSPI1()
        b.initOCTOSPI1()
        b.command(0x06, ccr: 1)
        #expect(b.flash.received.isEmpty)
        let e = b.events()
        #expect(e.contains { if case .ignoredWrite("GPIOE", "GPIOE_MODER", _, .clockDisabled("RCC_AHB2ENR1.GPIOEEN")) = $0 { return true }; return false })
        #expect(e.contains(.signalBlocked(instance: 1, signal: .io0, pin: Pin("PE12")!, reason: .notAlternateFunction(moder: 3))))
    }

    @Test("LCKR key sequence freezes the locked pins' configuration (RM0456 §13.4.8)")
    func gpioLock() {
        let b = Bench()
        b.modify(Bench.ahb2enr1, set: 1 << 3)
        let d = Bench.gpio(3)
        b.write(d + 0x1C, 0x0001_0001)
        b.write(d + 0x1C, 0x0000_0001)
        b.write(d + 0x1C, 0x0001_0001)
        #expect(b.read(d + 0x1C) & 0x1_0000 != 0, "LCKK reads 1 once locked")
        b.write(d, 0xFFFF_FFF0)
        #expect(b.read(d) == 0xFFFF_FFF3, "PD0 stays analog; PD1 changes")
        #expect(b.events().contains(.gpioLockViolation(port: "GPIOD", register: "GPIOD_MODER")))
    }

    @Test("ICACHE and DCACHE1 are disabled after reset (reference §B.6)")
    func cachesOff() {
        let b = Bench()
        #expect(b.read(0x4003_0400) & 1 == 0)
        #expect(!b.soc.icache.isEnabled)
        #expect(!b.soc.dcache1.isActive)
    }

    @Test("FCLK is recorded when it changes; a slow OSPEEDR on a flash pin is an advisory event")
    func busClockAndPinSpeed() {
        let b = Bench()
        b.bringUp()
        b.write(Bench.rcc + 0x08, 1 << 23)                 // MSIRGSEL, MSISRANGE 0 = 48 MHz
        b.write(Bench.cr, b.read(Bench.cr) & ~1)
        b.write(Bench.dcr2, 0)                              // FCLK = kernel
        b.write(Bench.cr, b.read(Bench.cr) | 1)
        b.modify(Bench.gpio(1) + 0x08, clear: 3 << 20, set: 0)   // PB10 (CLK) low speed
        _ = b.events()
        b.command(0x06, ccr: 1)
        let e = b.events()
        #expect(e.contains(.busClock(instance: 1, fclkHz: 48_000_000, kernelSource: "SYSCLK", kernelHz: 48_000_000)))
        #expect(e.contains(.pinSpeedTooLow(pin: Pin("PB10")!, signal: .clk, ospeedr: 0, fclkHz: 48_000_000, maximumHz: 10_000_000)))
        #expect(b.flash.received == [SPITransaction(instruction: 0x06)], "advisory only: the command still arrives")
    }
}
