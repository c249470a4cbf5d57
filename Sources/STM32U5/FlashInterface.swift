import CortexM

/// The embedded-flash interface (RM0456 §7), at 0x4002_2000: only ACR.LATENCY (b3:0)
/// matters here. Always clocked (FLASHEN is on after reset).
public final class FlashInterface: Peripheral, GatedRegisterBlock {
    public let name = "FLASH"
    public enum Offset { public static let acr: UInt32 = 0x00 }

    let gate = ClockGate.alwaysOn
    let log: SoCEventLog
    /// ACR only (LATENCY read back at once, PRFTEN stored): no programming of the MCU's own flash.
    let boundary: ModelBoundary
    var regs: [UInt32: UInt32] = [:]
    var onChanged: () -> Void = {}

    init(log: SoCEventLog) {
        self.log = log
        boundary = ModelBoundary(peripheral: "FLASH", log: log, modeled: [Offset.acr])
    }

    public var latency: Int { Int((regs[Offset.acr] ?? 0) & 0xF) }

    func registerName(at offset: UInt32) -> String { offset == 0 ? "FLASH_ACR" : "FLASH+0x\(String(offset, radix: 16))" }
    func readRegister(offset: UInt32, width: AccessWidth) -> UInt32 {
        RegisterAccess.extract(regs[offset & ~3] ?? 0, offset: offset, width: width)
    }
    func writeRegister(offset: UInt32, width: AccessWidth, value: UInt32) {
        regs[offset & ~3] = RegisterAccess.merge(old: regs[offset & ~3] ?? 0, offset: offset, width: width, value: value)
        onChanged()
    }
}

/// Wait states per voltage range (RM0456 "Number of wait states according to CPU clock
/// (HCLK) frequency"; confirmed in ST's stm32u5xx_ll_utils.c `LL_SetFlashLatency`:
/// range 1 ≤32/64/96/128/160 MHz, range 2 ≤25/50/75/100, range 3 ≤12.5/25/37.5/50,
/// range 4 ≤8/16/24).
public enum FlashLatencyTable {
    /// Upper HCLK bound for 0, 1, 2 … wait states, per range 1-4.
    public static let limitsHz: [Int: [UInt64]] = [
        1: [32_000_000, 64_000_000, 96_000_000, 128_000_000, 160_000_000],
        2: [25_000_000, 50_000_000, 75_000_000, 100_000_000],
        3: [12_500_000, 25_000_000, 37_500_000, 50_000_000],
        4: [8_000_000, 16_000_000, 24_000_000],
    ]

    public static func maximumHz(range: Int) -> UInt64 { limitsHz[range]?.last ?? 0 }

    /// Wait states needed for `hclkHz` in `range`; nil above the range's maximum.
    public static func requiredWaitStates(hclkHz: UInt64, range: Int) -> Int? {
        limitsHz[range]?.firstIndex { hclkHz <= $0 }
    }
}
