/// Debug Control Block (0xE000_EDF0): DHCSR, DCRSR, DCRDR, DEMCR.
/// DHCSR reads C_DEBUGEN = 1 because a debugger (CubeProgrammer over SWD) is attached;
/// software writes need DBGKEY 0xA05F in bits 31:16 and never change C_DEBUGEN.
public final class DebugControlBlock {
    public private(set) var dhcsr: UInt32 = 0x0000_0001
    public private(set) var dcrsr: UInt32 = 0
    public private(set) var dcrdr: UInt32 = 0
    public private(set) var demcr: UInt32 = 0
    private let log: EventLog

    init(log: EventLog) { self.log = log }

    /// DEMCR.TRCENA (bit 24): DWT and ITM work only when set.
    var traceEnabled: Bool { demcr & (1 << 24) != 0 }

    /// `offset` is from 0xE000_EDF0, word aligned.
    func read(offset: UInt32) -> UInt32 {
        switch offset {
        case 0x0: dhcsr
        case 0x4: 0
        case 0x8: dcrdr
        default: demcr
        }
    }

    func write(offset: UInt32, value: UInt32, mask: UInt32) {
        switch offset {
        case 0x0:
            guard mask == 0xFFFF_FFFF, value >> 16 == 0xA05F else {
                log.record(.writeIgnored(register: "DCB DHCSR", value: value, why: "DBGKEY (bits 31:16) must be 0xA05F"))
                return
            }
            // C_DEBUGEN (bit 0) is the debugger's; software may change C_MASKINTS and C_SNAPSTALL.
            dhcsr = (dhcsr & 0x0000_0001) | (value & 0x0000_0028)
            log.record(.debugRegisterWritten(register: "DCB DHCSR", value: value))
        case 0x4: dcrsr = value & mask
        case 0x8: dcrdr = (dcrdr & ~mask) | (value & mask)
        default:
            demcr = (demcr & ~mask) | (value & mask)
            log.record(.debugRegisterWritten(register: "DCB DEMCR", value: demcr))
        }
    }
}
