import CortexM
import VirtualTime

/// The reset and clock controller (RM0456 §11), at 0x4602_0C00.
///
/// Oscillator and PLL ready flags rise a modeled delay after their ON bit is set (the
/// delays below are plausible datasheet orders of magnitude, not guarantees); CFGR1.SWS
/// follows SW once the selected source is ready. The SYSCLK (divided by CFGR2.HPRE) is
/// written to `clock.coreFrequencyHz` whenever the RCC is accessed, which is when software
/// can observe a switch.
public final class RCC: Peripheral {
    public let name = "RCC"

    /// Ready delays chosen for the model.
    public static let msiReadyDelay = DeviceTime.microseconds(2)
    public static let hsiReadyDelay = DeviceTime.microseconds(4)
    public static let pllLockDelay = DeviceTime.microseconds(20)

    public enum Offset {
        public static let cr: UInt32 = 0x00, icscr1: UInt32 = 0x08, icscr2: UInt32 = 0x0C, icscr3: UInt32 = 0x10
        public static let cfgr1: UInt32 = 0x1C, cfgr2: UInt32 = 0x20, cfgr3: UInt32 = 0x24
        public static let pll1cfgr: UInt32 = 0x28, pll2cfgr: UInt32 = 0x2C, pll3cfgr: UInt32 = 0x30
        public static let pll1divr: UInt32 = 0x34, pll1fracr: UInt32 = 0x38, pll2divr: UInt32 = 0x3C, pll3divr: UInt32 = 0x44
        public static let ahb1rstr: UInt32 = 0x60, ahb2rstr1: UInt32 = 0x64, ahb2rstr2: UInt32 = 0x68, ahb3rstr: UInt32 = 0x6C
        public static let ahb1enr: UInt32 = 0x88, ahb2enr1: UInt32 = 0x8C, ahb2enr2: UInt32 = 0x90, ahb3enr: UInt32 = 0x94
        public static let ccipr1: UInt32 = 0xE0, ccipr2: UInt32 = 0xE4, ccipr3: UInt32 = 0xE8, bdcr: UInt32 = 0xF0, csr: UInt32 = 0xF4
    }

    /// Reset values. CR = MSISON|MSISRDY|MSIKON|MSIKRDY (4 MHz MSIS is SYSCLK after reset,
    /// `system_stm32u5xx.c`); ICSCR1 MSISRANGE = MSIKRANGE = 4; PLLxDIVR = 0x0101_0280;
    /// SRAM clocks on. Values not listed are 0.
    public static let resetValues: [UInt32: UInt32] = [
        Offset.cr: 0x0000_0035,
        Offset.icscr1: 0x4400_0000,
        Offset.icscr3: 0x0010_0000,
        Offset.pll1divr: 0x0101_0280, Offset.pll2divr: 0x0101_0280, Offset.pll3divr: 0x0101_0280,
        Offset.ahb1enr: 0x8000_0100,
        Offset.ahb2enr1: 0xC000_0000,
        Offset.ahb2enr2: 0xC000_0000,
        Offset.ahb3enr: 0x8000_0000,
        Offset.csr: 0x0C00_4400,
    ]

    /// MSIS/MSIK frequency per range (HAL `MSIRangeTable`).
    public static let msiRangeHz: [UInt64] = [
        48_000_000, 24_000_000, 16_000_000, 12_000_000, 4_000_000, 2_000_000, 1_330_000, 1_000_000,
        3_072_000, 1_536_000, 1_024_000, 768_000, 400_000, 200_000, 133_000, 100_000,
    ]

    public enum SysclkSource: UInt32, Sendable, CustomStringConvertible {
        case msis = 0, hsi16 = 1, hse = 2, pll1r = 3
        public var description: String { ["MSIS", "HSI16", "HSE", "PLL1R"][Int(rawValue)] }
    }

    /// A peripheral reset line pulsed through AHB2RSTR1/2.
    public enum ResetLine: Hashable, Sendable {
        case gpio(Int), octospim, octospi(Int)
    }

    let clock: VirtualClock
    let log: SoCEventLog
    /// Everything but CRRCR (HSI48 calibration) and BDCR (LSE/LSI and their ready flags).
    let boundary: ModelBoundary
    /// Array-backed: every gated block's access reads an enable bit here.
    var regs: RegisterWords
    /// When each RCC_CR oscillator/PLL enable bit (by bit number) was last set; nil for the
    /// oscillators that run out of reset (MSIS, MSIK), which are ready from the start. Read
    /// for every OCTOSPI transaction (kernel clock), so an array rather than a dictionary.
    var onSince = [DeviceTime?](repeating: nil, count: 32)
    /// SWS: the source SYSCLK actually runs from.
    var activeSource: SysclkSource = .msis
    /// HSE crystal (or external clock) frequency: the board file's `clock.hseHz`; the default
    /// board has none, and then HSERDY never rises.
    public var hseHz: UInt64 = 0

    /// Called when software pulses a reset bit (0 → 1).
    var onReset: (ResetLine) -> Void = { _ in }
    /// Called after any change that can move SYSCLK/HCLK.
    var onClocksChanged: () -> Void = {}

    init(clock: VirtualClock, log: SoCEventLog) {
        self.clock = clock
        self.log = log
        self.regs = RegisterWords(RCC.resetValues)
        let unmodeled: Set<UInt32> = [0x14, Offset.bdcr]
        let words = [0x00, 0x08, 0x0C, 0x10] + Array(stride(from: 0x1C, through: 0x48, by: 4)) + [0x50, 0x54, 0x58]
            + Array(stride(from: 0x60, through: 0x6C, by: 4)) + Array(stride(from: 0x74, through: 0x80, by: 4))
            + Array(stride(from: 0x88, through: 0x94, by: 4)) + Array(stride(from: 0x9C, through: 0xA8, by: 4))
            + Array(stride(from: 0xB0, through: 0xBC, by: 4)) + Array(stride(from: 0xC4, through: 0xD0, by: 4))
            + [0xD8, 0xE0, 0xE4, 0xE8, 0xF4, 0x110, 0x114]
        boundary = ModelBoundary(peripheral: "RCC", log: log, modeled: words.map(UInt32.init).filter { !unmodeled.contains($0) })
    }

    public func register(_ offset: UInt32) -> UInt32 { regs[offset] }

    // MARK: derived clocks

    func isReady(onBit: Int, delay: DeviceTime) -> Bool {
        guard register(Offset.cr) & (1 << UInt32(onBit)) != 0 else { return false }
        guard onBit >= 0, onBit < onSince.count, let since = onSince[onBit] else { return true }
        return clock.now >= since + delay
    }

    var msisReady: Bool { isReady(onBit: 0, delay: RCC.msiReadyDelay) }
    var msikReady: Bool { isReady(onBit: 4, delay: RCC.msiReadyDelay) }
    var hsiReady: Bool { isReady(onBit: 8, delay: RCC.hsiReadyDelay) }
    var hseReady: Bool { hseHz > 0 && isReady(onBit: 16, delay: RCC.hsiReadyDelay) }
    var pll1Ready: Bool { pll1InputHz > 0 && isReady(onBit: 24, delay: RCC.pllLockDelay) }
    /// PLL2/PLL3 lock with a source selected (PLLxCFGR.PLLxSRC b1:0); their outputs are not modeled.
    var pll2Ready: Bool { register(Offset.pll2cfgr) & 3 != 0 && isReady(onBit: 26, delay: RCC.pllLockDelay) }
    var pll3Ready: Bool { register(Offset.pll3cfgr) & 3 != 0 && isReady(onBit: 28, delay: RCC.pllLockDelay) }
    var hsi48Ready: Bool { isReady(onBit: 12, delay: RCC.hsiReadyDelay) }
    var shsiReady: Bool { isReady(onBit: 14, delay: RCC.hsiReadyDelay) }

    public var msisHz: UInt64 {
        // ICSCR1.MSIRGSEL (b23) picks ICSCR1.MSISRANGE, else CSR.MSISSRANGE (after standby).
        let range = register(Offset.icscr1) & (1 << 23) != 0
            ? RegisterAccess.field(register(Offset.icscr1), 28, 4)
            : RegisterAccess.field(register(Offset.csr), 12, 4)
        return RCC.msiRangeHz[Int(range)]
    }

    public var msikHz: UInt64 {
        let range = register(Offset.icscr1) & (1 << 23) != 0
            ? RegisterAccess.field(register(Offset.icscr1), 24, 4)
            : RegisterAccess.field(register(Offset.csr), 8, 4)
        return RCC.msiRangeHz[Int(range)]
    }

    /// PLL1 reference after the M divider (PLL1CFGR.PLL1SRC b1:0, PLL1M b11:8).
    var pll1InputHz: UInt64 {
        let cfg = register(Offset.pll1cfgr)
        let source: UInt64
        switch cfg & 3 {
        case 1: source = msisReady ? msisHz : 0
        case 2: source = hsiReady ? 16_000_000 : 0
        case 3: source = hseReady ? hseHz : 0
        default: source = 0
        }
        return source / UInt64(RegisterAccess.field(cfg, 8, 4) + 1)
    }

    /// VCO = input × N (PLL1DIVR.PLL1N b8:0 holds N − 1); fractional part not modeled.
    public var pll1VCOHz: UInt64 { pll1InputHz * UInt64(RegisterAccess.field(register(Offset.pll1divr), 0, 9) + 1) }

    /// PLL1R output (PLL1DIVR b30:24 = R − 1), 0 unless PLL1REN (PLL1CFGR b18) and locked.
    public var pll1RHz: UInt64 {
        guard pll1Ready, register(Offset.pll1cfgr) & (1 << 18) != 0 else { return 0 }
        return pll1VCOHz / UInt64(RegisterAccess.field(register(Offset.pll1divr), 24, 7) + 1)
    }

    /// PLL1Q output (PLL1DIVR b22:16 = Q − 1), 0 unless PLL1QEN (PLL1CFGR b17) and locked.
    public var pll1QHz: UInt64 {
        guard pll1Ready, register(Offset.pll1cfgr) & (1 << 17) != 0 else { return 0 }
        return pll1VCOHz / UInt64(RegisterAccess.field(register(Offset.pll1divr), 16, 7) + 1)
    }

    func sourceHz(_ s: SysclkSource) -> UInt64 {
        switch s {
        case .msis: msisReady ? msisHz : 0
        case .hsi16: hsiReady ? 16_000_000 : 0
        case .hse: hseReady ? hseHz : 0
        case .pll1r: pll1RHz
        }
    }

    public var sysclkSource: SysclkSource { activeSource }
    /// SYSCLK runs from HSE, directly or through PLL1 (PLL1CFGR.PLL1SRC = 11).
    public var sysclkFromHSE: Bool {
        activeSource == .hse || (activeSource == .pll1r && register(Offset.pll1cfgr) & 3 == 3)
    }
    public var sysclkHz: UInt64 { sourceHz(activeSource) }

    /// HCLK = SYSCLK / CFGR2.HPRE (b3:0).
    public var hclkHz: UInt64 {
        let hpre = register(Offset.cfgr2) & 0xF
        guard hpre >= 8 else { return sysclkHz }
        let shifts: [UInt64] = [1, 2, 3, 4, 6, 7, 8, 9]
        return sysclkHz >> shifts[Int(hpre - 8)]
    }

    /// The OCTOSPI kernel clock selected by CCIPR2.OCTOSPISEL (b21:20), and its name.
    public var octospiKernel: (hz: UInt64, source: String) {
        switch RegisterAccess.field(register(Offset.ccipr2), 20, 2) {
        case 0: (sysclkHz, "SYSCLK")
        case 1: (msikReady ? msikHz : 0, "MSIK")
        case 2: (pll1QHz, "PLL1Q")
        default: (0, "PLL2Q (PLL2 not modeled)")
        }
    }

    public func isEnabled(_ offset: UInt32, bit: Int) -> Bool { register(offset) & (1 << UInt32(bit)) != 0 }

    /// SWS follows SW once the new source runs (RM0456 §11: the switch waits for the
    /// selected clock to be ready).
    func refresh() {
        let wanted = SysclkSource(rawValue: register(Offset.cfgr1) & 3) ?? .msis
        if wanted != activeSource, sourceHz(wanted) > 0 {
            activeSource = wanted
            regs[Offset.cfgr1] = (register(Offset.cfgr1) & ~0xC) | (wanted.rawValue << 2)
            log.record(.sysclkChanged(hz: sysclkHz, source: wanted.description))
        }
        let hz = hclkHz
        if hz > 0, clock.coreFrequencyHz != hz {
            clock.coreFrequencyHz = hz
        }
        onClocksChanged()
    }

    // MARK: bus

    public func read(offset: UInt32, width: AccessWidth, error: inout BusErrorKind?) -> UInt32 {
        refresh()
        let reg = offset & ~3
        guard boundary.models(reg) else { return boundary.read(offset: offset, width: width, name: registerName(reg)) }
        var value = register(reg)
        if reg == Offset.cr {
            value &= ~UInt32(0x2A00_A4A4) // ready flags are computed
            if msisReady { value |= 1 << 2 }
            if msikReady { value |= 1 << 5 }
            if hsiReady { value |= 1 << 10 }
            if hseReady { value |= 1 << 17 }
            if pll1Ready { value |= 1 << 25 }
            if pll2Ready { value |= 1 << 27 }
            if pll3Ready { value |= 1 << 29 }
            if hsi48Ready { value |= 1 << 13 }
            if shsiReady { value |= 1 << 15 }
        }
        return RegisterAccess.extract(value, offset: offset, width: width)
    }

    public func write(offset: UInt32, width: AccessWidth, value: UInt32, error: inout BusErrorKind?) {
        refresh()
        let reg = offset & ~3
        guard boundary.models(reg) else { return boundary.write(offset: offset, width: width, value: value, name: registerName(reg)) }
        let old = register(reg)
        var new = RegisterAccess.merge(old: old, offset: offset, width: width, value: value)
        switch reg {
        case Offset.cr:
            // A source that feeds SYSCLK (or the running PLL1) cannot be switched off.
            if activeSource == .msis || (activeSource == .pll1r && register(Offset.pll1cfgr) & 3 == 1) { new |= 1 }
            if activeSource == .hsi16 { new |= 1 << 8 }
            if activeSource == .pll1r { new |= 1 << 24 }
            for bit in [0, 4, 8, 12, 14, 16, 24, 26, 28] {
                let m = UInt32(1) << UInt32(bit)
                if new & m != 0, old & m == 0 { onSince[bit] = clock.now }
            }
            if hseHz == 0, new & (1 << 16) != 0, old & (1 << 16) == 0 {
                log.record(.hseWithoutCrystal)
            }
        case Offset.cfgr1:
            new = (new & ~0xC) | (activeSource.rawValue << 2) // SWS is read-only
        case Offset.pll1cfgr, Offset.pll1divr:
            // PLL1PEN/QEN/REN (b16-18) and PLL1FRACEN (b4) gate outputs and may change at
            // any time; source, range, M, MBOOST and the dividers only while PLL1ON = 0.
            let frozen: UInt32 = reg == Offset.pll1cfgr ? ~UInt32(0x7_0010) : 0xFFFF_FFFF
            if (old ^ new) & frozen != 0, register(Offset.cr) & (1 << 24) != 0 {
                log.record(.ignoredWrite(peripheral: name, register: registerName(reg), value: value,
                                         reason: .locked("PLL1 configuration can change only while RCC_CR.PLL1ON=0")))
                return
            }
        case Offset.ahb2rstr1:
            for bit in 0..<10 where pulsed(old, new, bit) { onReset(.gpio(bit)) }
            if pulsed(old, new, 21) { onReset(.octospim) }
        case Offset.ahb2rstr2:
            if pulsed(old, new, 4) { onReset(.octospi(1)) }
            if pulsed(old, new, 8) { onReset(.octospi(2)) }
        default: break
        }
        regs[reg] = new
        refresh()
    }

    private func pulsed(_ old: UInt32, _ new: UInt32, _ bit: Int) -> Bool {
        let m = UInt32(1) << UInt32(bit)
        return new & m != 0 && old & m == 0
    }

    public func registerName(_ reg: UInt32) -> String {
        let names: [UInt32: String] = [
            Offset.cr: "RCC_CR", Offset.icscr1: "RCC_ICSCR1", Offset.cfgr1: "RCC_CFGR1", Offset.cfgr2: "RCC_CFGR2",
            Offset.pll1cfgr: "RCC_PLL1CFGR", Offset.pll1divr: "RCC_PLL1DIVR", Offset.pll1fracr: "RCC_PLL1FRACR",
            Offset.ahb2rstr1: "RCC_AHB2RSTR1", Offset.ahb2rstr2: "RCC_AHB2RSTR2", Offset.ahb1enr: "RCC_AHB1ENR",
            Offset.ahb2enr1: "RCC_AHB2ENR1", Offset.ahb2enr2: "RCC_AHB2ENR2", Offset.ahb3enr: "RCC_AHB3ENR",
            Offset.ccipr2: "RCC_CCIPR2", Offset.icscr2: "RCC_ICSCR2", Offset.icscr3: "RCC_ICSCR3", 0x14: "RCC_CRRCR",
            Offset.cfgr3: "RCC_CFGR3", Offset.pll2cfgr: "RCC_PLL2CFGR", Offset.pll3cfgr: "RCC_PLL3CFGR",
            Offset.pll2divr: "RCC_PLL2DIVR", 0x40: "RCC_PLL2FRACR", Offset.pll3divr: "RCC_PLL3DIVR", 0x48: "RCC_PLL3FRACR",
            0x50: "RCC_CIER", 0x54: "RCC_CIFR", 0x58: "RCC_CICR", Offset.ahb1rstr: "RCC_AHB1RSTR", Offset.ahb3rstr: "RCC_AHB3RSTR",
            Offset.ccipr1: "RCC_CCIPR1", Offset.ccipr3: "RCC_CCIPR3", Offset.bdcr: "RCC_BDCR", Offset.csr: "RCC_CSR",
        ]
        return names[reg] ?? "RCC+0x\(String(reg, radix: 16))"
    }
}
