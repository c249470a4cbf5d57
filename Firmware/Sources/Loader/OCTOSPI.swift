/// One OCTOSPI controller (RM0456 §29; XSPI_TypeDef in stm32u5g7xx.h).
///
/// Registers 0x420D_1400 (OCTOSPI1) / 0x420D_2400 (OCTOSPI2); memory-mapped windows
/// 0x9000_0000 / 0x7000_0000. Names and bit positions follow RM0456 (shared/reference
/// stm32u5.md §B.2, from the CMSIS header).
struct OCTOSPI {
    let base: UInt32

    /// CR.FTHRES in bytes: half the 32-byte FIFO. In indirect write FTF means "at least this
    /// many bytes free" (RM0456 OCTOSPI_CR.FTHRES), so one FTF check covers 4 word writes.
    static let fifoThreshold: UInt32 = 16

    static func registerBase(instance: UInt32) -> UInt32 { instance == 1 ? 0x420D_1400 : 0x420D_2400 }
    static func windowBase(instance: UInt32) -> UInt32 { instance == 1 ? 0x9000_0000 : 0x7000_0000 }

    var cr: Register { Register(base &+ 0x000) }
    var dcr1: Register { Register(base &+ 0x008) }
    var dcr2: Register { Register(base &+ 0x00C) }
    var dcr3: Register { Register(base &+ 0x010) }
    var dcr4: Register { Register(base &+ 0x014) }
    var sr: Register { Register(base &+ 0x020) }
    var fcr: Register { Register(base &+ 0x024) }
    var dlr: Register { Register(base &+ 0x040) }
    var ar: Register { Register(base &+ 0x048) }
    var dr: Register { Register(base &+ 0x050) }
    var psmkr: Register { Register(base &+ 0x080) }
    var psmar: Register { Register(base &+ 0x088) }
    var pir: Register { Register(base &+ 0x090) }
    var ccr: Register { Register(base &+ 0x100) }
    var tcr: Register { Register(base &+ 0x108) }
    var ir: Register { Register(base &+ 0x110) }
    var abr: Register { Register(base &+ 0x120) }
    var lptr: Register { Register(base &+ 0x130) }

    enum CR {
        static let en: UInt32 = 1 << 0
        static let abort: UInt32 = 1 << 1
        static let dmaen: UInt32 = 1 << 2
        static let tcen: UInt32 = 1 << 3
        static let dmm: UInt32 = 1 << 6
        static let msel: UInt32 = 1 << 7
        static let fthresMask: UInt32 = 0x1F << 8
        static func fthres(bytes: UInt32) -> UInt32 { ((bytes - 1) & 0x1F) << 8 }
        static let interruptsMask: UInt32 = 0x1F << 16
        /// APMS: automatic-polling mode stops at the first match.
        static let apms: UInt32 = 1 << 22
        /// PMM: 0 = AND-match, 1 = OR-match.
        static let pmm: UInt32 = 1 << 23
        static let fmodeMask: UInt32 = 0b11 << 28
    }

    /// CR.FMODE, b29:28.
    enum FunctionalMode: UInt32 {
        case indirectWrite = 0b00
        case indirectRead = 0b01
        case automaticPolling = 0b10
        case memoryMapped = 0b11

        var crBits: UInt32 { rawValue << 28 }
    }

    enum DCR1 {
        static let dlybyp: UInt32 = 1 << 3
        static func csht(_ value: UInt32) -> UInt32 { (value & 0x3F) << 8 }
        /// Device size in bytes = 2^(DEVSIZE+1); 64 MiB → 25.
        static func devsize(_ value: UInt32) -> UInt32 { (value & 0x1F) << 16 }
        /// MTYP b26:24 = 010: standard mode.
        static let mtypStandard: UInt32 = 0b010 << 24
        #if OCTAL
        static let mtypMask: UInt32 = 0b111 << 24
        /// MTYP = 001, Macronix mode: in octal DTR the two bytes of each 16-bit word come D1
        /// first; what ST's BSP switches to once the MX25LM51245G is in DOPI.
        static let mtypMacronix: UInt32 = 0b001 << 24
        /// FRCK b1: the clock runs freely (needed while the delay block measures its period).
        static let frck: UInt32 = 1 << 1
        #endif
    }

    enum SR {
        static let tef: UInt32 = 1 << 0
        static let tcf: UInt32 = 1 << 1
        static let ftf: UInt32 = 1 << 2
        static let smf: UInt32 = 1 << 3
        static let tof: UInt32 = 1 << 4
        static let busy: UInt32 = 1 << 5
        static func flevel(_ sr: UInt32) -> UInt32 { (sr >> 8) & 0x3F }
    }

    enum FCR {
        static let ctef: UInt32 = 1 << 0
        static let ctcf: UInt32 = 1 << 1
        static let csmf: UInt32 = 1 << 3
        static let ctof: UInt32 = 1 << 4
        static let all: UInt32 = ctef | ctcf | csmf | ctof
    }

    var functionalMode: FunctionalMode {
        FunctionalMode(rawValue: (cr.value & CR.fmodeMask) >> 28) ?? .indirectWrite
    }
}
