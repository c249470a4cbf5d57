/// The registers of every catalog part, volatile values and their non-volatile copies:
/// the ISSI set (reference §A.4) plus the Winbond/Spansion status registers 2..4, the
/// Micron flag status and configuration registers and the Macronix CR2. A part uses the
/// ones its `FlashPartTraits` name. WIP is not stored: it is derived from the busy state.
public struct FlashRegisters: Hashable, Sendable {
    /// Status register bits 7:2 (SRWD, QE, BP3..BP0) are non-volatile; bit 1 is WEL.
    public var status: UInt8 = 0
    /// Function register: OTP bits (0→1 only); PSUS (bit 2) / ESUS (bit 3) read-only.
    public var function: UInt8 = 0
    public var readParameters: UInt8 = 0
    public var readParametersNonVolatile: UInt8 = 0
    public var extendedReadParameters: UInt8 = 0xE0
    public var extendedReadParametersNonVolatile: UInt8 = 0xE0
    public var bankAddress: UInt8 = 0
    public var bankAddressNonVolatile: UInt8 = 0

    /// Status/configuration registers 2..4 (Winbond SR2/SR3, Macronix CR, Spansion CR1..CR3),
    /// non-volatile like SR1 unless written after 50h.
    public var status2: UInt8 = 0
    public var status3: UInt8 = 0
    public var status4: UInt8 = 0
    /// SR1..SR4 as they were before a volatile (50h) write: restored at power-on.
    var statusPowerOn: [UInt8]?
    /// Micron flag status register error bits (5 erase, 4 program, 1 protection); bit 7
    /// (ready) and bit 0 (4-byte mode) are derived.
    public var flagStatusErrors: UInt8 = 0
    /// Macronix security register (2Bh) fail bits: P_FAIL bit 5, E_FAIL bit 6.
    public var securityFlags: UInt8 = 0
    /// Micron volatile configuration register: dummy clocks 7:4 (1111 = default), XIP 3, wrap 1:0.
    public var volatileConfiguration: UInt8 = 0xFB
    /// Micron non-volatile configuration register (B5h/B1h): dummy 15:12, address bytes bit 0 (0 = 4-byte).
    public var nonVolatileConfiguration: UInt16 = 0xFFFF
    /// Micron enhanced volatile configuration register (65h/61h).
    public var enhancedVolatileConfiguration: UInt8 = 0xFF
    /// MX25LM configuration register 2 bytes by address (0x0000_0000 mode, 0x0000_0300 dummy, ...).
    public var configuration2: [UInt32: UInt8] = [:]
    /// CR2 at 0x4000_0000 (DEFSOPI/DEFDOPI, non-volatile).
    public var configuration2NonVolatile: [UInt32: UInt8] = [:]

    /// The factory state: QE=0, no protection, 3-byte mode, ODS 50 % (E0h).
    public init() {}

    public static let wel: UInt8 = 1 << 1
    public static let qe: UInt8 = 1 << 6
    public static let protectionError: UInt8 = 1 << 1
    public static let programError: UInt8 = 1 << 2
    public static let eraseError: UInt8 = 1 << 3
    public static let extendedAddress: UInt8 = 1 << 7
    public static let tbs: UInt8 = 1 << 1
    public static let programSuspended: UInt8 = 1 << 2
    public static let eraseSuspended: UInt8 = 1 << 3

    public var writeEnableLatch: Bool {
        get { status & Self.wel != 0 }
        set { status = newValue ? status | Self.wel : status & ~Self.wel }
    }
    public var quadEnable: Bool { status & Self.qe != 0 }
    /// BP3..BP0 (status bits 5:2).
    public var blockProtect: UInt8 { (status >> 2) & 0x0F }
    /// 4-byte address mode, whatever register shows it (ISSI EXTADD, Winbond ADS, Micron FSR bit 0).
    public var extendedAddressing: Bool {
        get { bankAddress & Self.extendedAddress != 0 }
        set { bankAddress = newValue ? bankAddress | Self.extendedAddress : bankAddress & ~Self.extendedAddress }
    }
    /// BA25:BA24 (ISSI bank register) or A31..A24 of the extended address register, bit 7 excluded.
    public var bank: Int { Int(bankAddress & 0x7F) }

    /// Status/configuration register `index` (0 = SR1).
    public subscript(status index: Int) -> UInt8 {
        get {
            switch index {
            case 0: return status
            case 1: return status2
            case 2: return status3
            default: return status4
            }
        }
        set {
            switch index {
            case 0: status = newValue
            case 1: status2 = newValue
            case 2: status3 = newValue
            default: status4 = newValue
            }
        }
    }
    /// DC3..DC0 (read register bits 6:3); 0 means each command's default.
    public var dummyCycles: Int { Int((readParameters >> 3) & 0x0F) }
    /// TBS = 1: BP protects from the bottom of the array.
    public var protectsBottom: Bool { function & Self.tbs != 0 }

    /// Power-on: volatile registers take their non-volatile copies, WEL and error bits clear.
    mutating func loadNonVolatile() {
        if let saved = statusPowerOn {
            (status, status2, status3, status4) = (saved[0], saved[1], saved[2], saved[3])
            statusPowerOn = nil
        }
        status &= ~Self.wel
        flagStatusErrors = 0
        securityFlags = 0
        volatileConfiguration = 0x0B | UInt8((nonVolatileConfiguration >> 12) & 0x0F) << 4
        enhancedVolatileConfiguration = 0xFF
        configuration2 = [:]
        readParameters = readParametersNonVolatile
        extendedReadParameters = extendedReadParametersNonVolatile & 0xF0
        bankAddress = bankAddressNonVolatile
        function &= ~(Self.programSuspended | Self.eraseSuspended)
    }
}
