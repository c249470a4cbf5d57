/// The flag bits software waits on, by register, for naming what a loop polled (RM0456
/// bit positions, confirmed in ST's stm32u5g7xx.h). A wait loop reads one of these until a
/// bit changes; the lab names the flags that did not.
public enum StatusFlags {
    public static let byRegister: [String: [(bit: Int, name: String)]] = [
        "PWR_SVMSR": [(15, "ACTVOSRDY"), (1, "REGS")],
        "PWR_VOSR": [(15, "VOSRDY"), (14, "BOOSTRDY")],
        "RCC_CR": [(2, "MSISRDY"), (5, "MSIKRDY"), (10, "HSIRDY"), (13, "HSI48RDY"), (15, "SHSIRDY"), (17, "HSERDY"),
                   (25, "PLL1RDY"), (27, "PLL2RDY"), (29, "PLL3RDY")],
        "RCC_CFGR1": [(2, "SWS[0]"), (3, "SWS[1]")],
        "RCC_BDCR": [(1, "LSERDY"), (27, "LSIRDY")],
        "OCTOSPI1_SR": [(0, "TEF"), (1, "TCF"), (2, "FTF"), (3, "SMF"), (4, "TOF"), (5, "BUSY")],
        "OCTOSPI2_SR": [(0, "TEF"), (1, "TCF"), (2, "FTF"), (3, "SMF"), (4, "TOF"), (5, "BUSY")],
        "ICACHE_SR": [(0, "BUSYF"), (1, "BSYENDF")],
        "DCACHE1_SR": [(0, "BUSYF"), (1, "BSYENDF"), (2, "ERRF"), (3, "CMDENDF")],
    ]

    /// "bit 15 (ACTVOSRDY) … read 0" for each known flag of `register` in `value`.
    public static func describe(register: String, value: UInt32) -> [String] {
        (byRegister[register] ?? []).map { "bit \($0.bit) (\($0.name))=\(value >> UInt32($0.bit) & 1)" }
    }
}

extension STM32U5G7 {
    /// The reference manual's name of the register at `address` ("PWR_SVMSR"), nil outside
    /// the modeled blocks.
    public func registerName(at address: UInt32) -> String? {
        guard let region = mmioRegions.first(where: { address >= $0.base && address - $0.base < $0.size }) else { return nil }
        let offset = (address - region.base) & ~3
        switch region.peripheral {
        case let rcc as RCC: return rcc.registerName(offset)
        case let block as any GatedRegisterBlock: return block.registerName(at: offset)
        default: return nil
        }
    }
}
