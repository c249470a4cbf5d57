import Testing
@testable import STM32U5

@Suite("Reset values")
struct ResetValueTests {
    @Test("GPIO MODER resets to analog except the debug pins (RM0456 §13.4.1; reference §B.5)")
    func gpioModer() {
        let b = Bench()
        b.modify(Bench.ahb2enr1, set: 0x3FF)
        #expect(b.read(Bench.gpio(0)) == 0xABFF_FFFF)
        #expect(b.read(Bench.gpio(1)) == 0xFFFF_FEBF)
        for port in 2..<10 { #expect(b.read(Bench.gpio(port)) == 0xFFFF_FFFF) }
        #expect(b.read(Bench.gpio(0) + 0x0C) == 0x6400_0000)
        #expect(b.read(Bench.gpio(1) + 0x08) == 0x0000_00C0)
    }

    @Test("OCTOSPIM PCR1/PCR2 reset to 0x0301_0111 / 0x0705_0333 (reference §B.3)")
    func octospim() {
        let b = Bench()
        b.modify(Bench.ahb2enr1, set: 1 << 21)
        #expect(b.read(Bench.octospim) == 0)
        #expect(b.read(Bench.octospim + 4) == 0x0301_0111)
        #expect(b.read(Bench.octospim + 8) == 0x0705_0333)
    }

    @Test("RCC runs from 4 MHz MSIS after reset; OCTOSPI registers read 0 (reference §B.4)")
    func rccAndOctospi() {
        let b = Bench()
        #expect(b.read(Bench.rcc) & 0x35 == 0x35)
        #expect(b.read(Bench.rcc + 0x1C) & 0xF == 0)
        #expect(b.soc.rcc.sysclkHz == 4_000_000)
        #expect(b.read(Bench.rcc + 0x34) == 0x0101_0280)
        b.enableClocks()
        for off: UInt32 in [0x000, 0x008, 0x00C, 0x020, 0x040, 0x048, 0x100, 0x108, 0x110] {
            #expect(b.read(Bench.o1 + off) == 0, "OCTOSPI1+0x\(String(off, radix: 16))")
        }
    }

    @Test("PWR VOSR resets to range 4 with VOSRDY set (RM0456 §10 PWR_VOSR)")
    func pwr() {
        let b = Bench()
        b.enableClocks()
        #expect(b.read(Bench.pwr + 0x0C) == 0x0000_8000)
        #expect(b.soc.pwr.voltageRange == 4)
    }

    @Test("The secure alias reaches the same registers (reference §B.1: +0x1000_0000)")
    func secureAlias() {
        let b = Bench()
        b.write(Bench.ahb2enr2 + 0x1000_0000, 1 << 4)
        #expect(b.read(Bench.ahb2enr2) & (1 << 4) != 0)
        #expect(b.soc.mmioRegions.contains { $0.base == 0x520D_1400 && $0.peripheral === b.soc.octospi1 })
        #expect(b.soc.mmioRegions.contains { $0.base == 0x9000_0000 && $0.size == 0x1000_0000 })
    }
}
