/// RCC (reset and clock control), RM0456 §11. Non-secure base 0x4602_0C00
/// (AHB3PERIPH_BASE_NS + 0x0C00, cmsis-device-u5 stm32u5g7xx.h).
enum RCC {
    static let base: UInt32 = 0x4602_0C00

    static let cr = Register(base + 0x00)
    enum CR {
        static let msison: UInt32 = 1 << 0
        static let msisrdy: UInt32 = 1 << 2
        static let pll1on: UInt32 = 1 << 24
        static let pll1rdy: UInt32 = 1 << 25
    }

    static let icscr1 = Register(base + 0x08)
    enum ICSCR1 {
        /// 1: the MSIS range comes from ICSCR1.MSISRANGE (0: from CSR.MSISSRANGE, after standby).
        static let msirgsel: UInt32 = 1 << 23
        static let msisrangeMask: UInt32 = 0xF << 28
        /// MSISRANGE = 4 selects 4 MHz, the reset range.
        static let msisrange4MHz: UInt32 = 4 << 28
    }

    static let cfgr1 = Register(base + 0x1C)
    enum CFGR1 {
        static let swMask: UInt32 = 0b11 << 0
        static let swsMask: UInt32 = 0b11 << 2
        static let swMSIS: UInt32 = 0b00
        static let swPLL1: UInt32 = 0b11
        static func sws(_ value: UInt32) -> UInt32 { (value & swsMask) >> 2 }
    }

    static let cfgr2 = Register(base + 0x20)
    enum CFGR2 {
        /// HPRE b3:0, AHB prescaler: 0xxx = /1, 1000 = /2.
        static let hpreMask: UInt32 = 0xF
        static let hpreDiv2: UInt32 = 0b1000
    }

    static let pll1cfgr = Register(base + 0x28)
    enum PLL1CFGR {
        static let srcMask: UInt32 = 0b11 << 0
        static let srcMSIS: UInt32 = 0b01 << 0
        /// PLL1RGE b3:2 = 00: PLL1 input (ref1_ck) between 4 and 8 MHz.
        static let rgeMask: UInt32 = 0b11 << 2
        static let fracen: UInt32 = 1 << 4
        /// PLL1M b11:8: input divider minus one.
        static let mMask: UInt32 = 0xF << 8
        /// PLL1MBOOST b15:12: EPOD booster clock divider (0 = /1).
        static let mboostMask: UInt32 = 0xF << 12
        static let pen: UInt32 = 1 << 16
        static let qen: UInt32 = 1 << 17
        static let ren: UInt32 = 1 << 18
    }

    /// PLL1DIVR: N-1 b8:0, P-1 b15:9, Q-1 b22:16, R-1 b30:24.
    static let pll1divr = Register(base + 0x34)
    static func pll1divr(n: UInt32, p: UInt32, q: UInt32, r: UInt32) -> UInt32 {
        ((n - 1) & 0x1FF) | (((p - 1) & 0x7F) << 9) | (((q - 1) & 0x7F) << 16) | (((r - 1) & 0x7F) << 24)
    }

    static let ahb2rstr1 = Register(base + 0x64)
    static let ahb2rstr2 = Register(base + 0x68)
    static let ahb2enr1 = Register(base + 0x8C)
    static let ahb2enr2 = Register(base + 0x90)
    static let ahb3enr = Register(base + 0x94)
    static let ccipr2 = Register(base + 0xE4)

    enum AHB2ENR1 {
        /// GPIOAEN..GPIOJEN = bits 0..9.
        static func gpioEN(port: UInt32) -> UInt32 { 1 << port }
        static let octospimEN: UInt32 = 1 << 21
    }

    enum AHB2RSTR1 {
        static let octospimRST: UInt32 = 1 << 21
    }

    enum AHB2ENR2 {
        /// OCTOSPI1EN b4, OCTOSPI2EN b8 (and the same positions in AHB2RSTR2).
        static func octospiEN(instance: UInt32) -> UInt32 { instance == 1 ? 1 << 4 : 1 << 8 }
    }

    enum AHB3ENR {
        static let pwrEN: UInt32 = 1 << 2
    }

    enum CCIPR2 {
        /// OCTOSPISEL b21:20 = 00: OCTOSPI kernel clock = SYSCLK.
        static let octospiselMask: UInt32 = 0b11 << 20
    }
}
