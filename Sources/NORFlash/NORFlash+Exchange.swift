import VirtualTime

// Decoding one chip-select period: instruction mode, phase widths, address, dummy clocks.
extension NORFlash {
    public func exchange(_ transaction: SPITransaction, at now: DeviceTime) -> [UInt8] {
        lastTime = now
        settle(at: now)
        let traceStart = events.count
        defer { compactTrace(from: traceStart) }
        let readCount: Int
        if case .read(let n) = transaction.direction { readCount = max(0, n) } else { readCount = 0 }
        // Lines nobody drives float high (pull-ups on IO0..IO3): FFh. Built only when returned.
        var idle: [UInt8] { [UInt8](repeating: 0xFF, count: readCount) }
        if faultState.poweredOff { return idle }

        if let axCommand = continuousRead {
            if let instruction = transaction.instruction {
                // In AX mode the first clocks are address bits; an opcode is not recognised.
                let opcode = UInt8(truncatingIfNeeded: instruction)
                continuousRead = nil
                record(.instructionSwallowedByContinuousRead(opcode))
                return idle
            }
            return perform(axCommand, transaction, readCount: readCount, now: now, continuous: true)
        }
        guard let instruction = transaction.instruction else {
            record(.noInstruction)
            return idle
        }
        let format = transaction.instructionFormat
        let opcode: UInt8
        let found: FlashCommand?
        if octalMode != .spi {
            // 8-8-8: opcode then its inverse, on 8 lines at the mode's rate.
            let dtr = octalMode == .dtrOPI
            guard format.lines == 8, format.doubleTransferRate == dtr, transaction.instructionSize == 2 else {
                resetEnabled = false
                record(.octalInstructionNotUnderstood(instruction: instruction, bytes: transaction.instructionSize,
                                                      lines: format.lines, dtr: format.doubleTransferRate, mode: octalMode))
                return idle
            }
            opcode = UInt8(truncatingIfNeeded: instruction >> 8)
            let ext = UInt8(truncatingIfNeeded: instruction)
            if isDeepPowerDown && opcode != 0xAB {
                record(.ignoredInDeepPowerDown(opcode))
                return idle
            }
            guard ext == ~opcode else {
                resetEnabled = false
                record(.opcodeExtensionMismatch(opcode: opcode, extension: ext))
                return idle
            }
            found = part.octalCommand(opcode)
        } else {
            opcode = UInt8(truncatingIfNeeded: instruction)
            if isDeepPowerDown && opcode != 0xAB {
                record(.ignoredInDeepPowerDown(opcode))
                return idle
            }
            if format.lines != (isQPI ? 4 : 1) || format.doubleTransferRate || transaction.instructionSize != 1 {
                resetEnabled = false
                record(.instructionNotUnderstood(opcode, lines: format.lines, qpi: isQPI))
                return idle
            }
            found = part.command(opcode)
        }
        guard let command = found else {
            resetEnabled = false
            record(.unknownOpcode(opcode, lines: format.lines))
            return idle
        }
        switch (command.availability, isQPI, octalMode) {
        case (.spiOnly, true, _), (.qpiOnly, false, _), (.octalSTROnly, _, .dtrOPI), (.octalDTROnly, _, .strOPI):
            resetEnabled = false
            record(.commandNotAvailableInMode(command: command.description, qpi: isQPI))
            return idle
        default:
            break
        }
        return perform(command, transaction, readCount: readCount, now: now, continuous: false)
    }

    func perform(
        _ command: FlashCommand, _ t: SPITransaction, readCount: Int, now: DeviceTime, continuous: Bool
    ) -> [UInt8] {
        var idle: [UInt8] { [UInt8](repeating: 0xFF, count: readCount) }
        // Built only when an event needs it: this path runs once per memory-mapped access.
        var name: String { command.description }
        let wasResetEnabled = resetEnabled
        resetEnabled = false
        let octal = octalMode != .spi
        let dtr = octalMode == .dtrOPI
        let addressLines = octal ? 8 : isQPI ? 4 : command.addressLines
        let dataLines = octal ? 8 : isQPI ? 4 : command.dataLines

        // Address: how many bytes the flash takes, and where they land.
        let expectedBytes: Int
        switch command.addressing {
        case .none: expectedBytes = 0
        case .three: expectedBytes = 3
        case .four: expectedBytes = 4
        case .threeOrFour: expectedBytes = registers.extendedAddressing || octal ? 4 : 3
        }
        var sent: UInt32?
        var effective: UInt32?
        var bank: Int?
        if expectedBytes > 0 {
            guard let address = t.address else {
                record(.addressMissing(command: name, expected: expectedBytes))
                return idle
            }
            sent = address
            if t.addressSize != expectedBytes {
                record(.addressWidthMismatch(command: name, expected: expectedBytes, got: t.addressSize))
            }
            var raw = expectedBytes >= 4 ? address : address & ((1 << (8 * UInt32(expectedBytes))) - 1)
            if t.addressSize < expectedBytes {
                raw &= t.addressSize <= 0 ? 0 : (t.addressSize >= 4 ? .max : (1 << (8 * UInt32(t.addressSize))) - 1)
            }
            if command.addressing == .threeOrFour && expectedBytes == 3 {
                bank = registers.bank
                raw |= UInt32(registers.bank) << 24
            }
            if command.addressing != .three && raw >= UInt32(part.size) {
                let wrapped = raw & UInt32(part.size - 1)
                record(.addressBeyondDevice(command: name, sent: address, effective: wrapped))
                raw = wrapped
            }
            effective = raw
        } else if t.address != nil, command.operation != .releasePowerDownReadProductID {
            // ABh takes 3 dummy address bytes before the ID; any other address-less
            // command must end after its opcode.
            record(.unexpectedPhase(command: name, phase: .address))
            return idle
        }

        let dataBytes: Int
        switch t.direction {
        case .none: dataBytes = 0
        case .read(let n): dataBytes = n
        case .write(let b): dataBytes = b.count
        }
        recordDecoded(DecodedCommand(
            opcode: command.opcode, name: command.name, sentAddress: sent, effectiveAddress: effective, bank: bank,
            instructionLines: continuous ? 0 : t.instructionFormat.lines,
            addressLines: expectedBytes > 0 ? t.addressFormat.lines : 0,
            dataLines: dataBytes > 0 ? t.dataFormat.lines : 0,
            dataBytes: dataBytes, continuousRead: continuous))

        if let sent, let effective, bank != nil, sent != effective, let bank {
            record(.addressAliasedByBank(command: name, sent: sent, effective: effective, bank: bank))
        }

        if let b = busy, !Self.allowedWhileBusy(command.operation) {
            record(.refusedWhileBusy(command: name, busyWith: b.description, until: b.ends))
            return idle
        }
        if flagStatusReadPending && Self.needsWriteEnableLatch(command.operation) {
            record(.refusedUntilFlagStatusRead(command: name))
            return idle
        }

        // Phase widths: the flash samples the lines its command defines.
        if expectedBytes > 0 {
            if t.addressFormat.lines != addressLines {
                record(.phaseLinesMismatch(command: name, phase: .address, expected: addressLines, got: t.addressFormat.lines))
                return idle
            }
            if t.addressFormat.doubleTransferRate != dtr {
                record(octal ? .phaseRateMismatch(command: name, phase: .address, expectedDTR: dtr)
                             : .doubleTransferRateNotSupported(command: name, phase: .address))
                return idle
            }
        }
        if dataBytes > 0 {
            if t.dataFormat.lines != dataLines {
                record(.phaseLinesMismatch(command: name, phase: .data, expected: dataLines, got: t.dataFormat.lines))
                return idle
            }
            if t.dataFormat.doubleTransferRate != dtr {
                record(octal ? .phaseRateMismatch(command: name, phase: .data, expectedDTR: dtr)
                             : .doubleTransferRateNotSupported(command: name, phase: .data))
                return idle
            }
        }
        if !isQPI && !quadEnabled && (addressLines == 4 || (dataLines == 4 && dataBytes > 0)) {
            record(.quadWithoutQE(command: name, phase: addressLines == 4 ? .address : .data))
            return idle
        }

        // Mode bits (EBh/BBh): the first byte after the address, on the address lines.
        if command.modeBitClocks > 0 {
            var mode: UInt8 = 0xFF
            if let alternate = t.alternateBytes, t.alternateFormat.lines == addressLines, t.alternateSize > 0 {
                mode = UInt8(truncatingIfNeeded: alternate >> (8 * UInt32(min(t.alternateSize, 4) - 1)))
            }
            if part.traits.continuousReadTrigger.enters(mode) {
                if continuousRead == nil { record(.continuousReadEntered(command: name, modeBits: mode)) }
                continuousRead = command
            } else if continuousRead != nil {
                continuousRead = nil
                record(.continuousReadExited(command: name, modeBits: mode))
            }
        }

        let output = execute(command, t, address: effective ?? 0, wasResetEnabled: wasResetEnabled, now: now)
        guard readCount > 0 else { return [] }
        guard let stream = output else { return idle }

        // Dummy clocks: the flash starts driving after its own count, the controller samples
        // after its own; the difference shifts the data by clocks × bits per clock.
        let expectedDummy = expectedDummyClocks(command)
        var controllerDummy = t.dummyCycles
        if t.alternateBytes != nil {
            let perClock = max(1, t.alternateFormat.lines * (t.alternateFormat.doubleTransferRate ? 2 : 1))
            controllerDummy += (t.alternateSize * 8 + perClock - 1) / perClock
        }
        if command.operation == .releasePowerDownReadProductID {
            return Self.shifted(stream, count: readCount, bitShift: 0)
        }
        let bitShift = (controllerDummy - expectedDummy) * dataLines * (dtr ? 2 : 1)
        if dtr && command.operation == .read && !t.dataStrobe {
            record(.dtrReadWithoutDataStrobe(command: name))
        }
        // A register is driven over and over: sampling whole bytes later reads the same value.
        let sameData = Self.repeatsOneRegister(command.operation) && bitShift > 0 && bitShift % 8 == 0
        if controllerDummy != expectedDummy && !sameData {
            record(.dummyCycleMismatch(command: name, expected: expectedDummy, got: controllerDummy, bitsPerClock: dataLines * (dtr ? 2 : 1)))
        }
        return Self.shifted(stream, count: readCount, bitShift: bitShift)
    }

    /// The dummy clocks the flash waits before driving data for `command` in the current mode.
    func expectedDummyClocks(_ command: FlashCommand) -> Int {
        guard command.defaultDummyClocks > 0 || !command.dummyBySetting.isEmpty else { return 0 }
        let base = octalMode == .dtrOPI ? command.dtrDummyClocks ?? command.defaultDummyClocks
            : isQPI ? command.defaultQPIDummyClocks : command.defaultDummyClocks
        guard command.dummyFromReadRegister else { return base }
        func table(_ setting: Int) -> Int {
            setting < command.dummyBySetting.count ? command.dummyBySetting[setting] : base
        }
        switch part.traits.dummyCycleSource {
        case .fixed:
            return base
        case .issiReadRegister:
            let dc = registers.dummyCycles
            return dc != 0 ? dc : base
        case .micronVolatileConfiguration:
            let dc = Int(registers.volatileConfiguration >> 4)
            return dc == 0 || dc == 15 ? base : dc
        case .macronixConfiguration:
            return table(Int(registers.status2 >> 6))
        case .octalConfiguration2:
            return table(Int((registers.configuration2[0x300] ?? 0) & 0x07))
        }
    }

    /// Register reads whose output repeats one value for as long as the clock runs.
    static func repeatsOneRegister(_ operation: FlashOperation) -> Bool {
        switch operation {
        case .readStatus, .readStatusRegister, .readFlagStatus, .readFunction, .readReadParameters,
             .readExtendedReadParameters, .readBankAddress, .readExtendedAddress, .readVolatileConfiguration,
             .readEnhancedVolatileConfiguration, .readConfiguration2, .readSecurityRegister:
            return true
        default:
            return false
        }
    }

    /// Commands that change the array or a non-volatile register and so need WEL.
    static func needsWriteEnableLatch(_ operation: FlashOperation) -> Bool {
        switch operation {
        case .pageProgram, .erase, .chipErase, .writeStatus, .writeStatusRegister, .writeNonVolatileConfiguration,
             .writeFunction:
            return true
        default:
            return false
        }
    }

    static func allowedWhileBusy(_ operation: FlashOperation) -> Bool {
        switch operation {
        case .readStatus, .suspend, .readExtendedReadParameters, .readFlagStatus, .readSecurityRegister: return true
        default: return false
        }
    }

    /// What the controller samples: the flash's output stream seen `bitShift` bits late
    /// (positive: the controller skipped the first bits) or early (negative: it sampled
    /// undriven, pulled-up lines first). Bits go MSB first on every line width.
    static func shifted(_ stream: (Int) -> [UInt8], count: Int, bitShift: Int) -> [UInt8] {
        if bitShift == 0 { return stream(count) }
        if bitShift % 8 == 0 {
            // Whole bytes: skip them, or lead with undriven FFh.
            if bitShift > 0 { return Array(stream(count + bitShift / 8).dropFirst(bitShift / 8)) }
            let lead = min(count, -bitShift / 8)
            return [UInt8](repeating: 0xFF, count: lead) + stream(count - lead)
        }
        let needed = (count * 8 + max(bitShift, 0) + 7) / 8 + 1
        let source = stream(needed)
        var out = [UInt8](repeating: 0, count: count)
        for i in 0..<count {
            var byte: UInt8 = 0
            for b in 0..<8 {
                let s = i * 8 + b + bitShift
                let bit: UInt8
                if s < 0 {
                    bit = 1
                } else if s / 8 < source.count {
                    bit = (source[s / 8] >> (7 - UInt8(s % 8))) & 1
                } else {
                    bit = 1
                }
                byte = byte << 1 | bit
            }
            out[i] = byte
        }
        return out
    }
}
