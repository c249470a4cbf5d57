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
    /// Dummy clocks when the read register's DC3..DC0 is 0 (SPI mode), including mode-bit clocks.
    public var defaultDummyClocks: Int
    /// Dummy clocks when DC3..DC0 is 0 in QPI mode.
    public var defaultQPIDummyClocks: Int
    /// Whether DC3..DC0 (read register bits 6:3) overrides the default; false for fixed ones (RDSFDP).
    public var dummyFromReadRegister: Bool
    /// Clocks at the start of the dummy period that carry mode bits M7..M0 (EBh: 2 on 4 lines).
    public var modeBitClocks: Int
    public var availability: FlashModeAvailability

    public init(
        _ opcode: UInt8, _ name: String, _ operation: FlashOperation,
        addressing: FlashAddressing = .none, addressLines: Int = 1, dataLines: Int = 1,
        dummy: Int = 0, qpiDummy: Int? = nil, dummyFromReadRegister: Bool = false,
        modeBitClocks: Int = 0, availability: FlashModeAvailability = .spiAndQPI
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
