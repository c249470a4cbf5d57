import CortexM
import Testing
@testable import STM32U5

/// Registers STM32CubeU5's HAL reads or waits on (docs/hal.md), with RM0456 reset values
/// and the bit positions of ST's stm32u5g7xx.h.
@Suite("Registers the HAL waits on")
struct HALRegisterTests {
    static let vosr = Bench.pwr + 0x0C, svmsr = Bench.pwr + 0x3C, cr3 = Bench.pwr + 0x08

    @Test("PWR_SVMSR resets to range 4 and ready (0x0000_8000)")
    func svmsrReset() {
        let b = Bench()
        b.modify(Bench.ahb3enr, set: 1 << 2)
        #expect(b.read(Self.svmsr) == 0x0000_8000)
    }

    @Test("A VOS change drops SVMSR.ACTVOSRDY; it rises with ACTVOS = VOS after the delay (HAL_PWREx_ControlVoltageScaling)")
    func actvosFollowsVos() {
        let b = Bench()
        b.modify(Bench.ahb3enr, set: 1 << 2)
        b.write(Self.vosr, 3 << 16 | 1 << 18)
        #expect(b.read(Self.svmsr) & (1 << 15) == 0)
        #expect((b.read(Self.svmsr) >> 16) & 3 == 0, "ACTVOS keeps the old range until ready")
        #expect(b.read(Self.vosr) & (1 << 14) == 0, "BOOSTRDY not yet")
        b.clock.advance(by: PWR.readyDelay)
        #expect(b.read(Self.svmsr) & (1 << 15) != 0)
        #expect((b.read(Self.svmsr) >> 16) & 3 == 3)
        #expect(b.read(Self.vosr) & (1 << 14) != 0, "BOOSTRDY")
    }

    @Test("SVMSR.REGS follows CR3.REGSEL after the delay (HAL_PWREx_ConfigSupply)")
    func regsFollowsRegsel() {
        let b = Bench()
        b.modify(Bench.ahb3enr, set: 1 << 2)
        b.write(Self.cr3, 1 << 1)
        #expect(b.read(Self.svmsr) & 2 == 0)
        b.clock.advance(by: PWR.readyDelay)
        #expect(b.read(Self.svmsr) & 2 != 0)
    }

    @Test("PLL2RDY and PLL3RDY rise after the lock delay once a source is selected")
    func pll2And3Lock() {
        let b = Bench()
        b.write(Bench.rcc + 0x2C, 1)            // PLL2SRC = MSIS
        b.modify(Bench.rcc, set: 1 << 26)       // PLL2ON
        #expect(b.read(Bench.rcc) & (1 << 27) == 0)
        b.clock.advance(by: RCC.pllLockDelay)
        #expect(b.read(Bench.rcc) & (1 << 27) != 0)
        #expect(b.read(Bench.rcc) & (1 << 29) == 0, "PLL3 was never turned on")
    }

    @Test("An offset a block does not model is plain storage and recorded once per direction")
    func unmodeledOffsetIsRecorded() {
        let b = Bench()
        b.modify(Bench.ahb3enr, set: 1 << 2)
        _ = b.events()
        b.write(Bench.pwr + 0x50, 0x1234)           // PWR_PUCRA: not modeled
        b.write(Bench.pwr + 0x50, 0x5678)
        #expect(b.read(Bench.pwr + 0x50) == 0x5678)
        let events = b.events().filter { if case .unmodeledAccess = $0 { return true }; return false }
        #expect(events == [.unmodeledAccess(peripheral: "PWR", register: "PWR+0x50", write: true, value: 0x1234),
                           .unmodeledAccess(peripheral: "PWR", register: "PWR+0x50", write: false, value: 0)])
    }

    @Test("The rest of the peripheral space reads 0 and is recorded instead of faulting")
    func catchAllSpace() {
        let b = Bench()
        _ = b.events()
        #expect(b.read(0x4001_3800) == 0)           // SYSCFG: no model
        #expect(b.events() == [.unmodeledAccess(peripheral: "no model", register: "0x40013800", write: false, value: 0)])
    }

    @Test("Removing a register from its model (test switch) makes it unmodeled")
    func removeFromModel() {
        let b = Bench()
        b.modify(Bench.ahb3enr, set: 1 << 2)
        #expect(b.soc.removeFromModel("PWR_SVMSR"))
        #expect(!b.soc.removeFromModel("PWR_NOSUCH"))
        _ = b.events()
        #expect(b.read(Self.svmsr) == 0)
        #expect(b.events() == [.unmodeledAccess(peripheral: "PWR", register: "PWR_SVMSR", write: false, value: 0)])
    }

    @Test("Reading 0 or writing the reset value to a clock-gated block at reset is an access without effect")
    func unclockedAccessWithoutEffect() {
        let b = Bench()
        _ = b.events()
        _ = b.read(Self.vosr)                       // PWREN off: VOSR resets to 0x8000, not 0
        b.write(0x420D_2400, 0)                      // OCTOSPI2_CR, OCTOSPI2EN off, at reset
        let events = b.events()
        #expect(events.contains(.readWhileClockDisabled(peripheral: "PWR", register: "PWR_VOSR", enable: "RCC_AHB3ENR.PWREN")))
        #expect(events.contains(.unclockedAccessWithoutEffect(peripheral: "OCTOSPI2", register: "OCTOSPI2_CR", enable: "RCC_AHB2ENR2.OCTOSPI2EN", write: 0)))
    }
}
