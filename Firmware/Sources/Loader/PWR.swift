/// PWR (power control), RM0456 §10. Non-secure base 0x4602_0800. Bit positions confirmed
/// against apache/nuttx arch/arm/src/stm32u5/hardware/stm32u5xx_pwr.h.
enum PWR {
    static let base: UInt32 = 0x4602_0800

    static let vosr = Register(base + 0x0C)
    enum VOSR {
        static let boostrdy: UInt32 = 1 << 14
        static let vosrdy: UInt32 = 1 << 15
        static let vosMask: UInt32 = 0b11 << 16
        /// VOS = 11: range 1, up to 160 MHz.
        static let vosRange1: UInt32 = 0b11 << 16
        /// EPOD booster, required above 55 MHz in ranges 1 and 2.
        static let boosten: UInt32 = 1 << 18
    }

    static let svmcr = Register(base + 0x10)
    enum SVMCR {
        /// IO2SV: VDDIO2 (supply of PG[15:2]) valid; without it those pins stay unpowered.
        static let io2sv: UInt32 = 1 << 29
    }
}
