/// OCTOSPI I/O manager (RM0456 §28; XSPIM_TypeDef in stm32u5g7xx.h): routes the signals of
/// OCTOSPI1/OCTOSPI2 to the two pin ports. Base 0x420C_4000; CR at 0x00, PCR1 at 0x04,
/// PCR2 at 0x08. Both OCTOSPIs must be disabled (CR.EN = 0) while it is reprogrammed
/// (HAL_OSPIM_Config does so).
enum OCTOSPIM {
    static let base: UInt32 = 0x420C_4000
    static let cr = Register(base + 0x00)
    static func pcr(port: UInt32) -> Register { Register(base &+ 4 &* port) }

    enum CR {
        static let muxen: UInt32 = 1 << 0
    }

    enum PCR {
        static let clken: UInt32 = 1 << 0
        static let clksrc: UInt32 = 1 << 1
        static let dqsen: UInt32 = 1 << 4
        static let dqssrc: UInt32 = 1 << 5
        static let ncsen: UInt32 = 1 << 8
        static let ncssrc: UInt32 = 1 << 9
        static let iolen: UInt32 = 1 << 16
        static let iolsrcMask: UInt32 = 0b11 << 17
        static let iohen: UInt32 = 1 << 24
        static let iohsrcMask: UInt32 = 0b11 << 25

        /// CLK, nCS and IO[3:0] of `instance` (1 or 2) on a port: CLKSRC/NCSSRC = instance-1,
        /// IOLSRC = 00 (OCTOSPI1 IO[3:0]) or 10 (OCTOSPI2 IO[3:0]). IO[7:4] and DQS unused.
        static func quad(instance: UInt32) -> UInt32 {
            let second = instance == 2
            return clken | (second ? clksrc : 0) | ncsen | (second ? ncssrc : 0) | iolen | ((second ? 0b10 : 0b00) << 17)
        }

        #if OCTAL
        /// The quad signals plus IO[7:4] (IOHSRC = 01 for OCTOSPI1's IO[7:4], 11 for
        /// OCTOSPI2's) and DQS (DQSSRC = instance − 1) on the same port.
        static func octal(instance: UInt32) -> UInt32 {
            let second = instance == 2
            return quad(instance: instance) | iohen | (second ? 0b11 : 0b01) << 25 | dqsen | (second ? dqssrc : 0)
        }
        #endif

        /// `value` with every enable cleared whose source is `instance`, so that the other
        /// port does not also claim our OCTOSPI's signals (a conflict HAL_OSPIM_Config avoids).
        /// Enables CLKEN b0, DQSEN b4, NCSEN b8 have their source bit right above them; IOLEN
        /// b16 and IOHEN b24 two bits above (the instance bit of IOLSRC/IOHSRC).
        static func releasing(instance: UInt32, from value: UInt32) -> UInt32 {
            let ours: UInt32 = instance == 2 ? 1 : 0
            var v = value
            var enable: UInt32 = 0
            while enable <= 24 {
                let sourceBit = enable + (enable >= 16 ? 2 : 1)
                if (v >> sourceBit) & 1 == ours { v &= ~(UInt32(1) << enable) }
                enable += enable >= 8 ? 8 : 4
            }
            return v
        }
    }
}
