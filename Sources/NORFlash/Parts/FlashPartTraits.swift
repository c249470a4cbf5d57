/// Where a part keeps its Quad Enable bit, as JESD216 DWORD15 QER classifies it.
///
/// ```
///   ISSI, Macronix   SR1 bit 6, one-byte 01h                       QER 010b
///   Winbond JV       SR2 bit 1, 31h or a two-byte 01h (SR1, SR2)    QER 100b
///   Spansion FL-L    CR1 bit 1, two-byte 01h (SR1, CR1)            QER 101b
///   Micron MT25Q     none: IO2/IO3 are always data in quad commands QER 000b
/// ```
public enum FlashQuadEnable: Hashable, Sendable {
    /// QE is `mask` in status/configuration register `register` (0 = SR1, 1 = SR2/CR1).
    case bit(register: Int, mask: UInt8)
    /// Quad commands work without a QE bit (Micron).
    case notRequired

    /// "status register 2 bit 1", for messages.
    public func describe(names: [String]) -> String {
        switch self {
        case .notRequired: return "no QE bit"
        case .bit(let register, let mask):
            let bit: Int = (0..<8).first { mask >> $0 & 1 == 1 } ?? 0
            let name = register < names.count ? names[register] : "register \(register)"
            return "\(name) bit \(bit)"
        }
    }
}

/// How the part chooses 3- or 4-byte addresses at power-on and reports the current mode.
public enum FlashAddressModeRegister: Hashable, Sendable {
    /// ISSI: bank address register bit 7 (EXTADD), non-volatile copy written by 18h.
    case issiBankRegister
    /// Winbond SR3 ADS (bit 0, read-only) / ADP (bit 1, non-volatile power-up mode);
    /// Spansion CR2 the same way. `register` is the status register index.
    case statusBits(register: Int, current: UInt8, powerUp: UInt8)
    /// Micron: flag status bit 0 shows the mode; NVCR bit 0 = 0 powers up in 4-byte mode.
    case micronFlagStatus
    /// Macronix: configuration register bit 5 (4BYTE) shows the mode; always 3-byte at power-on.
    case macronixConfiguration
    /// Parts of 16 MiB or less: 3-byte only.
    case threeByteOnly
}

/// Which register sets the dummy clocks of the configurable read commands.
public enum FlashDummyCycleSource: Hashable, Sendable {
    /// Fixed by the command (Winbond SPI mode).
    case fixed
    /// ISSI read register DC3..DC0 (bits 6:3); 0 = each command's default.
    case issiReadRegister
    /// Micron volatile configuration register bits 7:4; 0 or 15 = each command's default.
    case micronVolatileConfiguration
    /// Macronix configuration register bits 7:6 (DC1..DC0), through each command's table.
    case macronixConfiguration
    /// MX25LM configuration register 2 at 0x0000_0300, bits 2:0, through each command's table.
    case octalConfiguration2
}

/// Where the part reports a failed or refused program/erase.
public enum FlashErrorReporting: Hashable, Sendable {
    /// ISSI extended read register (81h): PROT_E bit 1, P_ERR bit 2, E_ERR bit 3.
    case issiExtendedReadRegister
    /// Micron flag status register (70h): protection bit 1, program bit 4, erase bit 5.
    case micronFlagStatus
    /// Macronix security register (2Bh): P_FAIL bit 5, E_FAIL bit 6.
    case macronixSecurityRegister
    /// Spansion FL-L: SR1 P_ERR bit 6 / E_ERR bit 5 do not exist on the L family; nothing.
    case none
}

/// Behaviour that is particular to a part and does not fit a table.
public struct FlashQuirks: Hashable, Sendable {
    /// BFPT DWORD1 bits 18:17 say "3-byte address only" although the part has EXTADD and
    /// dedicated 4-byte opcodes (Linux `is25lp256_post_bfpt_fixups`, reference §A.1).
    public var sfdpAdvertisesThreeByteAddressOnly: Bool
    /// Whether the volatile register writes C0h/63h (read register) and 83h (extended read
    /// register) need WEL. Sources disagree: SiFive's IS25LP boot code sends C0h without
    /// 06h and ufprog marks the ISSI read/extended/bank registers "no WREN"; the simplified
    /// Verilog model of the 512M checks WEL. Default false; 17h never needs it, C5h always.
    public var volatileRegisterWritesNeedWriteEnable: Bool
    /// B7h/E9h need WEL (Micron: Linux `micron_st_nor_set_4byte_addr_mode` sends 06h first).
    public var fourByteModeCommandsNeedWriteEnable: Bool
    /// Stacked-die parts (N25Q512A): after each program or erase, the flag status register
    /// (70h) must be read before the next program, erase or register write is accepted.
    public var flagStatusMustBePolled: Bool
    /// Winbond: QPI (38h) is entered only with QE = 1.
    public var qpiNeedsQuadEnable: Bool

    public init(
        sfdpAdvertisesThreeByteAddressOnly: Bool = false, volatileRegisterWritesNeedWriteEnable: Bool = false,
        fourByteModeCommandsNeedWriteEnable: Bool = false, flagStatusMustBePolled: Bool = false,
        qpiNeedsQuadEnable: Bool = false
    ) {
        self.sfdpAdvertisesThreeByteAddressOnly = sfdpAdvertisesThreeByteAddressOnly
        self.volatileRegisterWritesNeedWriteEnable = volatileRegisterWritesNeedWriteEnable
        self.fourByteModeCommandsNeedWriteEnable = fourByteModeCommandsNeedWriteEnable
        self.flagStatusMustBePolled = flagStatusMustBePolled
        self.qpiNeedsQuadEnable = qpiNeedsQuadEnable
    }
}

/// The registers and behaviour a part adds to the generic JEDEC core, as named fields.
public struct FlashPartTraits: Hashable, Sendable {
    /// Status/configuration registers by index: 0 is SR1 (05h), then what 01h writes next
    /// or what 35h/15h read ("Status Register-2", "Configuration Register", ...).
    public var statusRegisterNames: [String]
    /// The registers a 01h data phase writes, one per byte, in order ([0] for a one-byte WRSR).
    public var writeStatusChain: [Int]
    /// Bits software may write, per register index (WIP/WEL and read-only flags excluded).
    public var statusWritableMasks: [UInt8]
    public var quadEnable: FlashQuadEnable
    public var addressMode: FlashAddressModeRegister
    public var dummyCycleSource: FlashDummyCycleSource
    public var errorReporting: FlashErrorReporting
    /// The part has SPI/STR OPI/DTR OPI modes switched by CR2 (MX25LM51245G).
    public var octal: Bool
    /// The SR1 bits of BP0, BP1, ... in order (Micron's BP3 is bit 6, after TB in bit 5).
    public var blockProtectMasks: [UInt8]

    public init(
        statusRegisterNames: [String] = ["Status Register"], writeStatusChain: [Int] = [0],
        statusWritableMasks: [UInt8] = [0xFC], quadEnable: FlashQuadEnable = .bit(register: 0, mask: 0x40),
        addressMode: FlashAddressModeRegister = .issiBankRegister, dummyCycleSource: FlashDummyCycleSource = .issiReadRegister,
        errorReporting: FlashErrorReporting = .issiExtendedReadRegister, octal: Bool = false,
        blockProtectMasks: [UInt8] = [0x04, 0x08, 0x10, 0x20]
    ) {
        self.statusRegisterNames = statusRegisterNames
        self.writeStatusChain = writeStatusChain
        self.statusWritableMasks = statusWritableMasks
        self.quadEnable = quadEnable
        self.addressMode = addressMode
        self.dummyCycleSource = dummyCycleSource
        self.errorReporting = errorReporting
        self.octal = octal
        self.blockProtectMasks = blockProtectMasks
    }

    /// The ISSI 512M family (reference §A.4).
    public static let issi = FlashPartTraits()
}
