/// The instruction protocol of an octal part (MX25LM51245G CR2 SOPI/DOPI bits).
public enum FlashOctalMode: String, Hashable, Sendable, CustomStringConvertible {
    /// 1-1-1 commands, the power-on mode.
    case spi
    /// 8-8-8 STR: 2-byte instruction (opcode, inverted opcode) on 8 lines, one edge.
    case strOPI
    /// 8-8-8 DTR: the same on both edges; read data comes with DQS.
    case dtrOPI

    public var description: String {
        switch self {
        case .spi: return "SPI"
        case .strOPI: return "STR OPI"
        case .dtrOPI: return "DTR OPI"
        }
    }
}

/// Programs and erases that fail at given addresses, as a worn or damaged array does: the
/// part runs its busy time, leaves the bytes unchanged and sets its error flag (Micron FSR
/// bit 4/5, ISSI P_ERR/E_ERR, Macronix P_FAIL/E_FAIL).
public struct FlashFaultInjection: Hashable, Sendable {
    public var failingPrograms: [Range<UInt32>]
    public var failingErases: [Range<UInt32>]

    public init(failingPrograms: [Range<UInt32>] = [], failingErases: [Range<UInt32>] = []) {
        self.failingPrograms = failingPrograms
        self.failingErases = failingErases
    }
}
