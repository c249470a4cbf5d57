import Testing
@testable import STM32U5
import VirtualTime

@Suite("RCC, PWR and FLASH latency")
struct RCCTests {
    /// Raises VOS to range 1, LATENCY 4, PLL1 from MSIS 4 MHz: M = 1, N = 80, R = 2, Q = 2
    /// → VCO 320 MHz, PLL1R 160 MHz; then SW = PLL1R.
    func raiseTo160MHz(_ b: Bench, latency: UInt32 = 4) {
        b.modify(Bench.ahb3enr, set: 1 << 2)
        b.write(Bench.pwr + 0x0C, 3 << 16 | 1 << 18)
        b.clock.advance(by: .microseconds(50))
        b.write(Bench.flashACR, latency)
        b.write(Bench.rcc + 0x28, 1 | 1 << 17 | 1 << 18)           // PLL1SRC = MSIS, QEN, REN, M = 1
        b.write(Bench.rcc + 0x34, 79 | 1 << 16 | 1 << 24)            // N = 80, Q = 2, R = 2
        b.modify(Bench.rcc, set: 1 << 24)                             // PLL1ON
    }

    @Test("PLL1RDY rises only after the lock delay (RM0456 §11 RCC_CR.PLL1RDY)")
    func pllReadyAfterDelay() {
        let b = Bench()
        raiseTo160MHz(b)
        #expect(b.read(Bench.rcc) & (1 << 25) == 0)
        b.clock.advance(by: RCC.pllLockDelay)
        #expect(b.read(Bench.rcc) & (1 << 25) != 0)
    }

    @Test("SWS follows SW once PLL1R runs, and SYSCLK sets clock.coreFrequencyHz (RM0456 §11 RCC_CFGR1)")
    func sysclkSwitch() {
        let b = Bench()
        raiseTo160MHz(b)
        b.modify(Bench.rcc + 0x1C, set: 3)
        #expect(b.read(Bench.rcc + 0x1C) & 0xC == 0, "PLL1 not locked yet: SWS stays MSIS")
        #expect(b.clock.coreFrequencyHz == 4_000_000)
        b.clock.advance(by: RCC.pllLockDelay)
        #expect(b.read(Bench.rcc + 0x1C) & 0xC == 0xC)
        #expect(b.soc.rcc.pll1RHz == 160_000_000)
        #expect(b.soc.rcc.pll1QHz == 160_000_000)
        #expect(b.clock.coreFrequencyHz == 160_000_000)
        #expect(b.events().contains(.sysclkChanged(hz: 160_000_000, source: "PLL1R")))
    }

    @Test("PLL1 dividers cannot change while PLL1ON=1 (RM0456 §11 RCC_PLL1DIVR)")
    func pllLocked() {
        let b = Bench()
        raiseTo160MHz(b)
        _ = b.events()
        b.write(Bench.rcc + 0x34, 99)
        #expect(b.read(Bench.rcc + 0x34) & 0x1FF == 79)
        let e = b.events()
        #expect(e.contains { if case .ignoredWrite(_, "RCC_PLL1DIVR", _, .locked) = $0 { return true }; return false })
    }

    @Test("PLL1 output enables may change while PLL1 runs (RM0456 §11 RCC_PLL1CFGR.PLL1REN)")
    func pllOutputEnablesFree() {
        let b = Bench()
        raiseTo160MHz(b)
        b.clock.advance(by: RCC.pllLockDelay)
        b.write(Bench.rcc + 0x28, 1 | 1 << 18)
        #expect(b.soc.rcc.pll1QHz == 0)
        #expect(b.soc.rcc.pll1RHz == 160_000_000)
        #expect(!b.events().contains { if case .ignoredWrite = $0 { return true }; return false })
    }

    @Test("CCIPR2.OCTOSPISEL picks the OCTOSPI kernel clock (reference §B.4)")
    func octospiKernel() {
        let b = Bench()
        #expect(b.soc.rcc.octospiKernel.hz == 4_000_000)
        raiseTo160MHz(b)
        b.clock.advance(by: RCC.pllLockDelay)
        b.write(Bench.rcc + 0xE4, 2 << 20)
        #expect(b.soc.rcc.octospiKernel.hz == 160_000_000)
        #expect(b.soc.rcc.octospiKernel.source == "PLL1Q")
        b.write(Bench.rcc + 0xE4, 1 << 20)
        #expect(b.soc.rcc.octospiKernel.source == "MSIK")
        #expect(b.soc.rcc.octospiKernel.hz == 4_000_000)
    }

    @Test("Too few wait states for HCLK in the voltage range is an event (RM0456 wait-state table, LL_SetFlashLatency)")
    func latencyTooLow() {
        let b = Bench()
        raiseTo160MHz(b, latency: 2)
        b.modify(Bench.rcc + 0x1C, set: 3)
        b.clock.advance(by: RCC.pllLockDelay)
        b.read(Bench.rcc)
        #expect(b.events().contains(.flashLatencyTooLow(hclkHz: 160_000_000, vosRange: 1, latency: 2, required: 4)))
    }

    @Test("SYSCLK above the voltage range's maximum is an event (range 4 ≤ 24 MHz)")
    func aboveRange() {
        let b = Bench()
        b.write(Bench.flashACR, 4)
        b.write(Bench.rcc + 0x28, 1 | 1 << 18)
        b.write(Bench.rcc + 0x34, 79 | 1 << 24)
        b.modify(Bench.rcc, set: 1 << 24)
        b.modify(Bench.rcc + 0x1C, set: 3)
        b.clock.advance(by: RCC.pllLockDelay)
        b.read(Bench.rcc)
        #expect(b.events().contains(.sysclkAboveVoltageRange(hclkHz: 160_000_000, vosRange: 4, maximumHz: 24_000_000)))
    }

    @Test("PWR needs PWREN; VOSRDY falls on a VOS change and rises after the delay (RM0456 §10)")
    func pwrGateAndVosReady() {
        let b = Bench()
        b.write(Bench.pwr + 0x0C, 3 << 16)
        #expect(b.events().contains(.ignoredWrite(peripheral: "PWR", register: "PWR_VOSR", value: 3 << 16, reason: .clockDisabled(enable: "RCC_AHB3ENR.PWREN"))))
        b.modify(Bench.ahb3enr, set: 1 << 2)
        b.write(Bench.pwr + 0x0C, 3 << 16)
        #expect(b.read(Bench.pwr + 0x0C) & (1 << 15) == 0)
        b.clock.advance(by: PWR.readyDelay)
        #expect(b.read(Bench.pwr + 0x0C) & (1 << 15) != 0)
    }

    @Test("Pulsing AHB2RSTR2.OCTOSPI1RST returns OCTOSPI1 to its reset values (RM0456 §11 RCC_AHB2RSTR2)")
    func peripheralReset() {
        let b = Bench()
        b.enableClocks()
        b.write(Bench.dcr1, 25 << 16)
        b.write(Bench.rcc + 0x68, 1 << 4)
        b.write(Bench.rcc + 0x68, 0)
        #expect(b.read(Bench.dcr1) == 0)
    }
}
