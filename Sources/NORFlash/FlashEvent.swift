import VirtualTime

/// A decoded command as the flash understood it: what a report lists as "last flash commands".
public struct DecodedCommand: Hashable, Sendable, CustomStringConvertible {
    public var opcode: UInt8
    public var name: String
    /// The address bits the controller put on the wires (nil when the command has none).
    public var sentAddress: UInt32?
    /// The array address the flash used (after bank register, EXTADD and wrap).
    public var effectiveAddress: UInt32?
    /// BA25:BA24 when a 3-byte address was extended with them, else nil.
    public var bank: Int?
    /// Lines of the instruction, address and data phases (0 when the phase is absent).
    public var instructionLines: Int
    public var addressLines: Int
    public var dataLines: Int
    /// Phase widths as "instruction-address-data", e.g. "1-4-4".
    public var lines: String { "\(instructionLines)-\(addressLines)-\(dataLines)" }
    /// Data bytes; for merged sequential reads, the total of all of them.
    public var dataBytes: Int
    /// True when the opcode was not sent (continuous "AX" read).
    public var continuousRead: Bool
    /// How many consecutive transactions this entry stands for (status polling, or reads
    /// that each continued where the previous one stopped); the events that follow it in
    /// the trace applied to each of them.
    public var repeats: Int = 1

    public init(
        opcode: UInt8, name: String, sentAddress: UInt32?, effectiveAddress: UInt32?, bank: Int?,
        instructionLines: Int, addressLines: Int, dataLines: Int, dataBytes: Int,
        continuousRead: Bool = false, repeats: Int = 1
    ) {
        self.opcode = opcode
        self.name = name
        self.sentAddress = sentAddress
        self.effectiveAddress = effectiveAddress
        self.bank = bank
        self.instructionLines = instructionLines
        self.addressLines = addressLines
        self.dataLines = dataLines
        self.dataBytes = dataBytes
        self.continuousRead = continuousRead
        self.repeats = repeats
    }

    public var description: String {
        var s = "\(name) \(hex2(opcode))h \(lines)"
        if let a = effectiveAddress { s += " at \(flashAddress(a))" }
        if let b = bank { s += " (bank \(b))" }
        if dataBytes > 0 { s += ", \(dataBytes) B" }
        if continuousRead { s += " (continuous read, no opcode)" }
        if repeats > 1 { s += " x\(repeats)" }
        return s
    }
}

/// The phase of a transaction an event is about.
public enum SPIPhase: String, Hashable, Sendable {
    case instruction, address, alternate, dummy, data
}

/// Everything the flash model saw or refused, in words a firmware engineer reads.
public enum FlashEvent: Hashable, Sendable, CustomStringConvertible {
    case commandDecoded(DecodedCommand)
    case unknownOpcode(UInt8, lines: Int)
    /// The instruction phase width does not match the mode (1 line in SPI, 4 in QPI).
    case instructionNotUnderstood(UInt8, lines: Int, qpi: Bool)
    case commandNotAvailableInMode(command: String, qpi: Bool)
    case noInstruction
    case refusedWithoutWriteEnable(command: String, address: UInt32?)
    case refusedWhileBusy(command: String, busyWith: String, until: DeviceTime)
    case refusedProtected(command: String, address: UInt32, protected: Range<UInt32>)
    case chipEraseRefusedProtected(command: String, blockProtect: UInt8)
    case refusedWhileSuspended(command: String, suspended: String)
    case ignoredInDeepPowerDown(UInt8)
    case busyStarted(operation: FlashOperationLabel, until: DeviceTime)
    case busyEnded(operation: FlashOperationLabel)
    case pageWrapped(command: String, page: UInt32, startOffset: Int, wrappedBytes: Int)
    case programLongerThanPage(command: String, sent: Int, kept: Int)
    case addressAliasedByBank(command: String, sent: UInt32, effective: UInt32, bank: Int)
    case addressWidthMismatch(command: String, expected: Int, got: Int)
    case addressMissing(command: String, expected: Int)
    case addressBeyondDevice(command: String, sent: UInt32, effective: UInt32)
    case phaseLinesMismatch(command: String, phase: SPIPhase, expected: Int, got: Int)
    case doubleTransferRateNotSupported(command: String, phase: SPIPhase)
    case quadWithoutQE(command: String, phase: SPIPhase)
    /// `bitsPerClock`: data lines, twice that in DTR (both edges carry data).
    case dummyCycleMismatch(command: String, expected: Int, got: Int, bitsPerClock: Int)
    case dataPhaseMissing(command: String)
    case unexpectedPhase(command: String, phase: SPIPhase)
    case continuousReadEntered(command: String, modeBits: UInt8)
    case continuousReadExited(command: String, modeBits: UInt8)
    case instructionSwallowedByContinuousRead(UInt8)
    case resetWithoutEnable
    case softwareReset
    case suspended(operation: String)
    case resumed(operation: String, until: DeviceTime)
    case nothingToSuspendOrResume(command: String)
    case deepPowerDownEntered
    case deepPowerDownReleased
    case powerCycled
    case registerWritten(register: String, old: UInt8, new: UInt8)
    /// Octal parts in OPI: the instruction phase is not 2 bytes on 8 lines at the mode's rate.
    case octalInstructionNotUnderstood(instruction: UInt32, bytes: Int, lines: Int, dtr: Bool, mode: FlashOctalMode)
    /// 8-8-8: the second instruction byte is not the inverse of the first.
    case opcodeExtensionMismatch(opcode: UInt8, extension: UInt8)
    /// Octal: a phase at STR while the part is in DTR OPI, or the reverse.
    case phaseRateMismatch(command: String, phase: SPIPhase, expectedDTR: Bool)
    /// A DTR OPI array read the controller sampled without DQS (it times data by its own clock).
    case dtrReadWithoutDataStrobe(command: String)
    case octalModeChanged(from: FlashOctalMode, to: FlashOctalMode)
    /// Stacked-die Micron parts: a program/erase/register write before 70h was read after the last one.
    case refusedUntilFlagStatusRead(command: String)
    /// An injected program/erase failure: the array did not change; the part's error flag is set.
    case operationFailed(command: String, address: UInt32, flag: String)
    /// Winbond: QPI entry (38h) with QE = 0 is ignored.
    case qpiRefusedWithoutQE(command: String)

    public var message: String {
        switch self {
        case .commandDecoded(let c):
            return "flash decoded \(c)"
        case .unknownOpcode(let op, let lines):
            return "\(hex2(op))h on \(lines) line(s) is not a command of this part: ignored"
        case .instructionNotUnderstood(let op, let lines, let qpi):
            return qpi
                ? "instruction \(hex2(op))h sent on \(lines) line(s) while the flash is in QPI mode: it samples the instruction on 4 lines and sees something else; ignored"
                : "instruction \(hex2(op))h sent on \(lines) line(s) while the flash is in SPI mode: it samples IO0 only and sees something else; ignored (the part's QPI entry on 1 line comes first to use QPI)"
        case .commandNotAvailableInMode(let c, let qpi):
            return "\(c) is not available in \(qpi ? "QPI" : "SPI") mode: ignored"
        case .noInstruction:
            return "transaction without an instruction while the flash is not in continuous read (AX) mode: ignored"
        case .refusedWithoutWriteEnable(let c, let a):
            return "\(c)\(a.map { " at \(flashAddress($0))" } ?? "") refused: WEL=0 (no Write Enable 06h since the last program/erase/register write)"
        case .refusedWhileBusy(let c, let busy, let until):
            return "\(c) refused: WIP=1, the flash is busy with \(busy) until \(until) (poll Read Status 05h until WIP=0)"
        case .refusedProtected(let c, let a, let r):
            return "\(c) at \(flashAddress(a)) refused: \(flashAddress(r.lowerBound))..\(flashAddress(r.upperBound &- 1)) is write-protected by BP3..BP0; PROT_E set in the extended read register (81h)"
        case .chipEraseRefusedProtected(let c, let bp):
            return "\(c) refused: block-protect bits BP3..BP0 = \(bp) (status register bits 5:2) must be 0 for a chip erase; PROT_E and E_ERR set"
        case .refusedWhileSuspended(let c, let s):
            return "\(c) refused: \(s) is suspended (resume it with 7Ah first)"
        case .ignoredInDeepPowerDown(let op):
            return "\(hex2(op))h ignored: the flash is in deep power-down (B9h); only ABh releases it"
        case .busyStarted(let op, let until):
            return "\(op) started: WIP=1 until \(until)"
        case .busyEnded(let op):
            return "\(op) finished: WIP=0"
        case .pageWrapped(let c, let page, let offset, let wrapped):
            return "\(c) into page \(flashAddress(page)) from offset \(offset): \(wrapped) byte(s) wrapped to the start of the same 256-byte page (page program never crosses a page)"
        case .programLongerThanPage(let c, let sent, let kept):
            return "\(c) sent \(sent) data bytes; a page holds \(kept): only the last \(kept) were programmed"
        case .addressAliasedByBank(let c, let sent, let effective, let bank):
            return "\(c): 3-byte address \(flashAddress(sent)) landed at \(flashAddress(effective)) (bank address register BA25:BA24 = \(bank)); use a 4-byte opcode or EN4B B7h to reach other 16 MiB banks"
        case .addressWidthMismatch(let c, let expected, let got):
            return "\(c): the flash expects a \(expected)-byte address but the controller sent \(got) byte(s) (check ADSIZE against the command and EXTADD); the flash used the low \(min(expected, got)) byte(s)"
        case .addressMissing(let c, let expected):
            return "\(c) needs a \(expected)-byte address; the transaction had none: ignored"
        case .addressBeyondDevice(let c, let sent, let effective):
            return "\(c): address \(flashAddress(sent)) is beyond the device; the flash ignores the upper bits and used \(flashAddress(effective))"
        case .phaseLinesMismatch(let c, let phase, let expected, let got):
            return "\(c): \(phase.rawValue) phase on \(got) line(s), the flash expects \(expected): the bits it samples are not what was sent; command ignored"
        case .doubleTransferRateNotSupported(let c, let phase):
            return "\(c): \(phase.rawValue) phase uses DTR, which this command is not (DTR reads are 0Dh/BDh/EDh); command ignored"
        case .quadWithoutQE(let c, let phase):
            return "\(c): 4-line \(phase.rawValue) phase while the part's Quad Enable bit is 0 (SR1 bit 6 on ISSI/Macronix, SR2 bit 1 on Winbond, CR1 bit 1 on Spansion): IO2/IO3 are WP#/HOLD#, the flash ignores the command and does not drive IO2/IO3; quad data reads as FFh (pull-ups)"
        case .dummyCycleMismatch(let c, let expected, let got, let bitsPerClock):
            return "\(c): the flash drives data after \(expected) dummy clock(s) (its dummy-cycle setting or the command default) but the controller samples after \(got): data shifted by \(abs(got - expected) * bitsPerClock) bit(s)"
        case .dataPhaseMissing(let c):
            return "\(c) has no data phase: nothing done"
        case .unexpectedPhase(let c, let phase):
            return "\(c) takes no \(phase.rawValue) phase, but the transaction has one: chip select did not rise where the flash expects, command not executed"
        case .continuousReadEntered(let c, let m):
            return "\(c): mode bits \(hex2(m))h select continuous read mode (ISSI M7..4 = 1010, Winbond M5..4 = 10, Macronix toggling nibbles): the next transaction must have no instruction"
        case .continuousReadExited(let c, let m):
            return "\(c): mode bits \(hex2(m))h: continuous read mode ended"
        case .instructionSwallowedByContinuousRead(let op):
            return "instruction \(hex2(op))h sent while the flash is in continuous read (AX) mode: the flash took it as address bits, not a command; the mode ended (send mode bits other than Axh, or FFh, to leave it)"
        case .resetWithoutEnable:
            return "Reset 99h without Reset Enable 66h immediately before: ignored"
        case .softwareReset:
            return "software reset (66h + 99h): volatile state back to power-on (SPI mode, bank register and read registers from their non-volatile copies, WEL=0, continuous read off)"
        case .suspended(let op):
            return "\(op) suspended"
        case .resumed(let op, let until):
            return "\(op) resumed: WIP=1 until \(until)"
        case .nothingToSuspendOrResume(let c):
            return "\(c): nothing to suspend or resume, ignored"
        case .deepPowerDownEntered:
            return "deep power-down entered (B9h): every command but ABh is ignored"
        case .deepPowerDownReleased:
            return "released from deep power-down (ABh)"
        case .powerCycled:
            return "power cycle: volatile state reloaded from the non-volatile registers"
        case .registerWritten(let r, let old, let new):
            return "\(r): \(hex2(old))h -> \(hex2(new))h"
        case .octalInstructionNotUnderstood(let i, let bytes, let lines, let dtr, let mode):
            return "instruction \(String(i, radix: 16, uppercase: true))h (\(bytes) byte(s) on \(lines) line(s), \(dtr ? "DTR" : "STR")) while the flash is in \(mode): it takes a 2-byte instruction on 8 lines \(mode == .dtrOPI ? "on both edges" : "on one edge"); ignored"
        case .opcodeExtensionMismatch(let op, let ext):
            return "8-8-8 instruction \(hex2(op))\(hex2(ext))h: the second byte must be the inverse of the first (\(hex2(op))\(hex2(~op))h); ignored"
        case .phaseRateMismatch(let c, let phase, let dtr):
            return "\(c): \(phase.rawValue) phase at \(dtr ? "STR" : "DTR") while the flash is in \(dtr ? "DTR" : "STR") OPI: command ignored"
        case .dtrReadWithoutDataStrobe(let c):
            return "\(c): DTR OPI read sampled without DQS; the flash drives DQS with the data so the controller can latch it at speed"
        case .octalModeChanged(let from, let to):
            return "configuration register 2 switched the flash from \(from) to \(to): commands from now on must use that protocol"
        case .refusedUntilFlagStatusRead(let c):
            return "\(c) refused: this stacked-die part needs the flag status register (70h) read as ready after each program or erase before the next one"
        case .operationFailed(let c, let a, let flag):
            return "\(c) at \(flashAddress(a)) failed in the array (injected fault): content unchanged, \(flag) set"
        case .qpiRefusedWithoutQE(let c):
            return "\(c) ignored: QPI needs the Quad Enable bit (SR2 bit 1) set first"
        }
    }

    public var description: String { message }
}
