/// PLL1 settings that turn the 4 MHz MSIS into the board's SYSCLK: integer N and even R
/// with VCO = 4 MHz × N in 128...544 MHz (RM0456 PLL characteristics [MEM]) and
/// SYSCLK = VCO / R exactly. 160 MHz → N = 80, R = 2 (VCO 320 MHz), as ST's own loaders.
/// A SYSCLK of exactly 4 MHz needs no PLL: `usesPLL` is false.
struct ClockPlan: Equatable {
    static let msisHz: UInt32 = 4_000_000
    static let maximumHz: UInt32 = 160_000_000

    let n: UInt32
    let r: UInt32
    let usesPLL: Bool

    init?(sysclkHz: UInt32) {
        guard sysclkHz >= ClockPlan.msisHz, sysclkHz <= ClockPlan.maximumHz else { return nil }
        if sysclkHz == ClockPlan.msisHz {
            n = 0; r = 0; usesPLL = false
            return
        }
        var divider: UInt32 = 2
        while divider <= 128 {
            let vco = UInt64(sysclkHz) * UInt64(divider)
            if vco > 544_000_000 { return nil }
            if vco >= 128_000_000 && vco % UInt64(ClockPlan.msisHz) == 0 {
                n = UInt32(truncatingIfNeeded: vco / UInt64(ClockPlan.msisHz))
                r = divider
                usesPLL = true
                return
            }
            divider += 2
        }
        return nil
    }
}

/// Raises SYSCLK from MSIS to PLL1 (RM0456 §10.5.4 / §11 clock-switch sequence, as
/// HAL_PWREx_ControlVoltageScaling + HAL_RCC_OscConfig + HAL_RCC_ClockConfig do it):
///   1. PWR clock on; SYSCLK back on MSIS at 4 MHz with PLL1 off (a previous session or the
///      application may have left PLL1 running).
///   2. PLL1 source MSIS, M = 1, MBOOST = /1 (EPOD booster clock 4 MHz, within 4...16 MHz).
///   3. VOS range 1, wait VOSRDY; above 55 MHz BOOSTEN, wait BOOSTRDY.
///   4. FLASH_ACR.LATENCY for the new clock, read back.
///   5. PLL1 N/R, REN, PLL1ON, wait PLL1RDY; AHB /2 while switching SW = PLL1 (no current
///      step above 80 MHz), wait SWS, then AHB /1.
enum SystemClock {
    /// Waits here are for oscillators and regulators (µs to a few ms); counted at the
    /// slowest clock, 4 MHz, 100 ms is 400 000 cycles.
    static let settleMs: UInt32 = 100

    static func wait(_ register: Register, _ mask: UInt32, equals expected: UInt32) -> Bool {
        register.wait(mask, equals: expected, milliseconds: settleMs)
    }

    static func configure(_ plan: ClockPlan, sysclkHz: UInt32) -> Bool {
        RCC.ahb3enr.set(RCC.AHB3ENR.pwrEN)
        _ = RCC.ahb3enr.value  // read back: the enable has taken effect before PWR is touched

        // 1. MSIS at 4 MHz as SYSCLK, PLL1 off.
        RCC.cr.set(RCC.CR.msison)
        guard wait(RCC.cr, RCC.CR.msisrdy, equals: RCC.CR.msisrdy) else { return false }
        RCC.cfgr1.replace(RCC.CFGR1.swMask, with: RCC.CFGR1.swMSIS)
        guard wait(RCC.cfgr1, RCC.CFGR1.swsMask, equals: RCC.CFGR1.swMSIS << 2) else { return false }
        LoaderState.sysclkHz = 0  // deadlines now count at the reset clock
        RCC.icscr1.replace(RCC.ICSCR1.msirgsel | RCC.ICSCR1.msisrangeMask, with: RCC.ICSCR1.msirgsel | RCC.ICSCR1.msisrange4MHz)
        guard wait(RCC.cr, RCC.CR.msisrdy, equals: RCC.CR.msisrdy) else { return false }
        RCC.cr.clear(RCC.CR.pll1on)
        guard wait(RCC.cr, RCC.CR.pll1rdy, equals: 0) else { return false }
        guard plan.usesPLL else {
            FlashInterface.acr.replace(FlashInterface.latencyMask, with: 0)
            return true
        }

        // 2. PLL1 input: MSIS / 1, EPOD booster clock / 1.
        PWR.vosr.clear(PWR.VOSR.boosten)
        RCC.pll1cfgr.value = RCC.PLL1CFGR.srcMSIS | RCC.PLL1CFGR.ren  // RGE 00, M-1 = 0, MBOOST 0, FRACEN 0
        RCC.pll1divr.value = RCC.pll1divr(n: plan.n, p: 2, q: 2, r: plan.r)

        // 3. Voltage range 1, booster above 55 MHz.
        PWR.vosr.replace(PWR.VOSR.vosMask, with: PWR.VOSR.vosRange1)
        guard wait(PWR.vosr, PWR.VOSR.vosrdy, equals: PWR.VOSR.vosrdy) else { return false }
        if sysclkHz > 55_000_000 {
            PWR.vosr.set(PWR.VOSR.boosten)
            guard wait(PWR.vosr, PWR.VOSR.boostrdy, equals: PWR.VOSR.boostrdy) else { return false }
        }

        // 4. Flash wait states before the clock rises.
        let latency = FlashInterface.waitStates(forHz: sysclkHz)
        FlashInterface.acr.replace(FlashInterface.latencyMask, with: latency)
        guard wait(FlashInterface.acr, FlashInterface.latencyMask, equals: latency) else { return false }

        // 5. PLL1 on, switch.
        RCC.cr.set(RCC.CR.pll1on)
        guard wait(RCC.cr, RCC.CR.pll1rdy, equals: RCC.CR.pll1rdy) else { return false }
        RCC.cfgr2.replace(RCC.CFGR2.hpreMask, with: RCC.CFGR2.hpreDiv2)
        RCC.cfgr1.replace(RCC.CFGR1.swMask, with: RCC.CFGR1.swPLL1)
        guard wait(RCC.cfgr1, RCC.CFGR1.swsMask, equals: RCC.CFGR1.swPLL1 << 2) else { return false }
        LoaderState.sysclkHz = sysclkHz / 2  // HCLK while the AHB prescaler is /2
        delay(microseconds: 2)
        RCC.cfgr2.replace(RCC.CFGR2.hpreMask, with: 0)
        LoaderState.sysclkHz = sysclkHz
        return true
    }
}
