/// What a decoded opcode does. The state machine (`NORFlash`) switches on this; the part
/// table (`Parts/IS25LP512M.swift`) says which opcode means which operation.
public enum FlashOperation: Hashable, Sendable {
    case read
    case pageProgram
    /// Erases the `bytes`-sized, `bytes`-aligned unit that holds the address.
    case erase(bytes: Int)
    case chipErase
    case writeEnable
    case writeDisable
    case readStatus
    case writeStatus
    case readFunction
    case writeFunction
    case readReadParameters
    case writeReadParameters(volatile: Bool)
    case readExtendedReadParameters
    case writeExtendedReadParameters(volatile: Bool)
    case clearExtendedReadParameters
    case readBankAddress
    case writeBankAddress(volatile: Bool, needsWriteEnable: Bool)
    case enter4ByteAddressing
    case exit4ByteAddressing
    case enterQPI
    case exitQPI
    case resetEnable
    case reset
    case readJEDECID
    /// ABh: release from deep power-down; with a read phase, also the product ID.
    case releasePowerDownReadProductID
    /// 90h: manufacturer then device ID.
    case readManufacturerDeviceID
    case readSFDP
    case suspend
    case resume
    case deepPowerDown
    case readUniqueID

    // Registers beyond the ISSI set (Winbond, Micron, Macronix, Spansion; `FlashPart.statusRegisters`).
    /// Reads status/configuration register `index` (0 = SR1, as 05h; 1 = SR2/CR/CR1; ...).
    case readStatusRegister(index: Int)
    /// Writes status/configuration register `index` alone (Winbond 31h/11h).
    case writeStatusRegister(index: Int)
    /// 50h on Winbond: the next status register write is volatile and needs no WEL.
    case volatileStatusWriteEnable
    /// Extended address register (C8h read / C5h write, WEL needed): A31..A24 of 3-byte commands.
    case readExtendedAddress
    case writeExtendedAddress
    /// Micron flag status register (70h) and its clear (50h).
    case readFlagStatus
    case clearFlagStatus
    /// Micron volatile configuration register (85h read / 81h write), dummy clocks in bits 7:4.
    case readVolatileConfiguration
    case writeVolatileConfiguration
    /// Micron non-volatile configuration register (B5h read / B1h write, 16 bits, LSB first).
    case readNonVolatileConfiguration
    case writeNonVolatileConfiguration
    /// Micron enhanced volatile configuration register (65h read / 61h write).
    case readEnhancedVolatileConfiguration
    case writeEnhancedVolatileConfiguration
    /// Macronix octal configuration register 2 (71h read / 72h write), addressed by a 4-byte address.
    case readConfiguration2
    case writeConfiguration2
    /// Macronix security register (2Bh): program/erase fail flags.
    case readSecurityRegister
}

/// How many address bytes a command takes.
public enum FlashAddressing: Hashable, Sendable {
    case none
    /// 3 bytes, or 4 when EXTADD (bank address register bit 7) is set (reference §A.3 "3B/4B").
    case threeOrFour
    /// Dedicated 4-byte opcode: always 4 bytes whatever EXTADD says (§A.3 "4B").
    case four
    /// Always 3 bytes (RDSFDP, 90h, unique ID).
    case three
}

/// In which instruction mode an opcode is understood.
public enum FlashModeAvailability: Hashable, Sendable {
    case spiAndQPI
    case spiOnly
    case qpiOnly
    /// Octal parts: only in STR OPI (8READ ECh) or only in DTR OPI (8DTRD EEh).
    case octalSTROnly
    case octalDTROnly
}

/// One row of a part's instruction table.
public struct FlashCommand: Hashable, Sendable, CustomStringConvertible {
    public var opcode: UInt8
    /// The datasheet's words, e.g. "Fast Read Quad I/O".
    public var name: String
    public var operation: FlashOperation
    public var addressing: FlashAddressing
    /// Lines of the address (and mode-bit) phase in SPI mode; QPI uses 4 for every phase.
    public var addressLines: Int
    /// Lines of the data phase in SPI mode.
    public var dataLines: Int
    /// Dummy clocks at the part's power-on dummy setting (SPI mode), including mode-bit clocks.
    public var defaultDummyClocks: Int
    /// Dummy clocks when DC3..DC0 is 0 in QPI mode.
    public var defaultQPIDummyClocks: Int
    /// Whether the part's dummy-cycle register (`FlashPart.dummyCycleSource`) changes the count;
    /// false for fixed ones (RDSFDP).
    public var dummyFromReadRegister: Bool
    /// Clocks at the start of the dummy period that carry mode bits M7..M0 (EBh: 2 on 4 lines).
    public var modeBitClocks: Int
    public var availability: FlashModeAvailability
    /// Dummy clocks for each value of the part's dummy-cycle field (Macronix CR DC1..DC0,
    /// MX25LM CR2 DC2..DC0); empty when the field's value is the count itself (ISSI, Micron).
    public var dummyBySetting: [Int]
    /// Dummy clocks in DTR OPI when they differ from STR (octal register reads), else nil.
    public var dtrDummyClocks: Int?

    public init(
        _ opcode: UInt8, _ name: String, _ operation: FlashOperation,
        addressing: FlashAddressing = .none, addressLines: Int = 1, dataLines: Int = 1,
        dummy: Int = 0, qpiDummy: Int? = nil, dummyFromReadRegister: Bool = false,
        modeBitClocks: Int = 0, availability: FlashModeAvailability = .spiAndQPI, dummyBySetting: [Int] = [], dtrDummy: Int? = nil
    ) {
        self.opcode = opcode
        self.name = name
        self.operation = operation
        self.addressing = addressing
        self.addressLines = addressLines
        self.dataLines = dataLines
        self.defaultDummyClocks = dummy
        self.defaultQPIDummyClocks = qpiDummy ?? dummy
        self.dummyFromReadRegister = dummyFromReadRegister
        self.modeBitClocks = modeBitClocks
        self.availability = availability
        self.dummyBySetting = dummyBySetting
        self.dtrDummyClocks = dtrDummy
    }

    /// "Page Program 12h".
    public var description: String { "\(name) \(hex2(opcode))h" }
}

func hex2(_ v: UInt8) -> String {
    let s = String(v, radix: 16, uppercase: true)
    return s.count < 2 ? "0" + s : s
}

/// "0x0100_0000": flash addresses as a firmware engineer reads them in a memory map.
func flashAddress(_ a: UInt32) -> String {
    var s = String(a, radix: 16, uppercase: true)
    while s.count < 8 { s = "0" + s }
    return "0x" + s.prefix(4) + "_" + s.suffix(4)
}
