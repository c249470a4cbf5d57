/// The clocks the LoaderLab loader's `Init` accepts from a BoardConfig block
/// (Firmware/README.md, "BoardConfig block" and "Clocks and timing"). `Init` returns 0 for
/// any other value, so `make-loader` refuses them up front instead of producing a loader
/// that never initialises.
public enum LoaderClockRules {
    /// MSIS at range 4: the PLL1 input, and the SYSCLK when the block asks for exactly 4 MHz.
    public static let msisHz: UInt64 = 4_000_000
    public static let sysclkRange: ClosedRange<UInt32> = 4_000_000...160_000_000
    /// PLL1 VCO limits the loader keeps to (RM0456 PLL characteristics) [MEM in the firmware README].
    public static let vcoRange: ClosedRange<UInt64> = 128_000_000...544_000_000
    /// The IS25LP512M's fastest SDR clock for Fast Read Quad Output (6Ch) and page program.
    public static let maximumFlashClockHz: UInt64 = 133_000_000

    /// PLL1 with M = 1 from MSIS: SYSCLK = 4 MHz × N / R with R even (2…128) and the VCO
    /// (4 MHz × N) inside `vcoRange`. Returns (N, R) with the smallest R, or nil.
    public static func pll(forSysclk hz: UInt32) -> (n: UInt64, r: UInt64)? {
        for r in stride(from: UInt64(2), through: 128, by: 2) {
            let vco = UInt64(hz) * r
            guard vco % msisHz == 0, vcoRange.contains(vco) else { continue }
            return (vco / msisHz, r)
        }
        return nil
    }

    /// Why the loader would refuse this clock, or nil when it accepts it.
    public static func problem(sysclkHz: UInt32, octospiDivider: UInt16) -> String? {
        guard sysclkRange.contains(sysclkHz) else {
            return "SYSCLK \(sysclkHz) Hz is outside 4000000 to 160000000"
        }
        if UInt64(sysclkHz) != msisHz, pll(forSysclk: sysclkHz) == nil {
            return "SYSCLK \(sysclkHz) Hz cannot be made from MSIS 4 MHz as 4 MHz × N / R with R even and a 128-544 MHz VCO (every whole MHz from 5 to 160 works except the odd values 137-159)"
        }
        guard (1...256).contains(octospiDivider) else {
            return "the OCTOSPI divider \(octospiDivider) is outside 1 to 256"
        }
        if UInt64(sysclkHz) > maximumFlashClockHz * UInt64(octospiDivider) {
            return "the flash clock SYSCLK / divider = \(sysclkHz) / \(octospiDivider) Hz is above the IS25LP512M's 133 MHz; use a divider of at least \((UInt64(sysclkHz) + maximumFlashClockHz - 1) / maximumFlashClockHz)"
        }
        return nil
    }
}
