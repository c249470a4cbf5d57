/// The registers of the ISSI part (reference §A.4), volatile values and their
/// non-volatile copies. WIP is not stored: it is derived from the busy state.
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
    public var extendedAddressing: Bool { bankAddress & Self.extendedAddress != 0 }
    /// BA25:BA24.
    public var bank: Int { Int(bankAddress & 0x03) }
    /// DC3..DC0 (read register bits 6:3); 0 means each command's default.
    public var dummyCycles: Int { Int((readParameters >> 3) & 0x0F) }
    /// TBS = 1: BP protects from the bottom of the array.
    public var protectsBottom: Bool { function & Self.tbs != 0 }

    /// Power-on: volatile registers take their non-volatile copies, WEL and error bits clear.
    mutating func loadNonVolatile() {
        status &= ~Self.wel
        readParameters = readParametersNonVolatile
        extendedReadParameters = extendedReadParametersNonVolatile & 0xF0
        bankAddress = bankAddressNonVolatile
        function &= ~(Self.programSuspended | Self.eraseSuspended)
    }
}
