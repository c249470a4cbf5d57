/// How many lines a phase uses: CCR's xMODE encoding (000 none, 001 one, 010 two, 011 four).
enum Lines: UInt32 {
    case none = 0b000
    case one = 0b001
    case four = 0b011
}

/// One flash command as the OCTOSPI sends it: an 8-bit instruction, an optional 32-bit
/// address, dummy cycles, an optional data phase. Every address this loader sends is 32 bits
/// (ADSIZE = 11): it uses only the IS25LP512M's dedicated 4-byte opcodes, which ignore the
/// flash's 3/4-byte address mode (is25lp512m.md §A.7.1).
struct SPICommand {
    var instruction: UInt8
    var instructionLines: Lines = .one
    var addressLines: Lines = .none
    var address: UInt32 = 0
    var dummyCycles: UInt32 = 0
    var dataLines: Lines = .none

    /// OCTOSPI_CCR: IMODE b2:0, ISIZE b5:4 (00 = 8 bit), ADMODE b10:8, ADSIZE b13:12,
    /// ABMODE b18:16 (none), DMODE b26:24; all single data rate.
    var ccr: UInt32 {
        var value = instructionLines.rawValue
        if addressLines != .none { value |= (addressLines.rawValue << 8) | (0b11 << 12) }
        value |= dataLines.rawValue << 24
        return value
    }

    /// OCTOSPI_TCR: DCYC b4:0, SSHIFT b30 = 1 (sample half a clock later, giving the
    /// flash's output delay and the board traces time at tens of MHz; what HAL's
    /// SampleShifting = HALFCYCLE does for single-data-rate quad flash, and allowed because
    /// nothing here is DTR), DHQC b28 = 0.
    var tcr: UInt32 { (dummyCycles & 0x1F) | SPICommand.sampleShift }
    static let sampleShift: UInt32 = 1 << 30

    var hasAddress: Bool { addressLines != .none }
    var hasData: Bool { dataLines != .none }
}
