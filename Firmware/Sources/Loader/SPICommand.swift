/// How many lines a phase uses: CCR's xMODE encoding (000 none, 001 one, 010 two, 011 four).
enum Lines: UInt32 {
    case none = 0b000
    case one = 0b001
    case four = 0b011
}

/// One flash command as the OCTOSPI sends it: an 8-bit instruction, an optional 24- or 32-bit
/// address, an optional mode byte, dummy cycles, an optional data phase. Held as the register
/// values themselves, computed by an always-inlined initializer, so a command with constant
/// arguments costs a few immediate loads at its call site.
struct SPICommand {
    let instruction: UInt32
    let ccr: UInt32
    let tcr: UInt32
    let address: UInt32

    /// `addressSize`: CCR.ADSIZE, 10 = 24 bits, 11 = 32 bits. `modeByte`: one alternate byte
    /// (ABR, 0xFF) on the address lines, the mode bits of 1-4-4 reads; 0xFF never asks a part
    /// for continuous/XIP mode (ISSI wants Axh, Winbond M5:4 = 10, Macronix P7:4 ≠ P3:0).
    ///
    /// OCTOSPI_CCR: IMODE b2:0, ISIZE b5:4 (00 = 8 bit), ADMODE b10:8, ADSIZE b13:12,
    /// ABMODE b18:16, ABSIZE b21:20 (00 = 8 bit), DMODE b26:24; all single data rate.
    /// OCTOSPI_TCR: DCYC b4:0, SSHIFT b30 = 1 (sample half a clock later, giving the
    /// flash's output delay and the board traces time at tens of MHz; what HAL's
    /// SampleShifting = HALFCYCLE does for single-data-rate quad flash, and allowed because
    /// nothing here is DTR), DHQC b28 = 0.
    @inline(__always)
    init(instruction: UInt8, instructionLines: Lines = .one, addressLines: Lines = .none, address: UInt32 = 0,
         addressSize: UInt32 = 0b11, dummyCycles: UInt32 = 0, dataLines: Lines = .none, modeByte: Bool = false) {
        var value = instructionLines.rawValue
        if addressLines != .none { value |= (addressLines.rawValue << 8) | (addressSize << 12) }
        if modeByte { value |= addressLines.rawValue << 16 }
        value |= dataLines.rawValue << 24
        self.instruction = UInt32(instruction)
        self.ccr = value
        self.tcr = (dummyCycles & 0x1F) | SPICommand.sampleShift
        self.address = address
    }

    static let sampleShift: UInt32 = 1 << 30

    var hasAddress: Bool { ccr & 0x700 != 0 }
    var hasData: Bool { ccr & 0x0700_0000 != 0 }
}

#if OCTAL
extension SPICommand {
    /// An 8D-8D-8D command (octal DTR, RM0456 OCTOSPI_CCR): a 16-bit instruction on 8 lines
    /// in DTR (IMODE 100, IDTR, ISIZE 01), an optional 32-bit address on 8 lines in DTR
    /// (ADMODE 100, ADDTR, ADSIZE 11), `dummyCycles`, an optional data phase on 8 lines in DTR
    /// (DMODE 100, DDTR) with DQS sampling for reads (DQSE b29). The instruction's second byte
    /// is the opcode extension, the inverted opcode on the parts served (BFPT dword 18 b30:29
    /// = 01; MX25LM51245G: EEh/11h, 12h/EDh). TCR: SSHIFT must be 0 with DTR; DHQC (b28)
    /// delays the output by a quarter cycle, what HAL's DelayHoldQuarterCycle does for DTR.
    @inline(__always)
    init(octal opcode: UInt8, address: UInt32 = 0, hasAddress: Bool = false, dummyCycles: UInt32 = 0,
         data: Bool = false, strobe: Bool = false) {
        var value: UInt32 = 0b100 | 1 << 3 | 0b01 << 4
        if hasAddress { value |= 0b100 << 8 | 1 << 11 | 0b11 << 12 }
        if data { value |= 0b100 << 24 | 1 << 27 }
        if strobe { value |= 1 << 29 }
        self.instruction = UInt32(opcode) << 8 | UInt32(opcode ^ Profile.opcodeExtensionXor)
        self.ccr = value
        self.tcr = (dummyCycles & 0x1F) | 1 << 28
        self.address = address
    }
}
#endif
