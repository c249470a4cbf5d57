import VirtualTime

// What each operation does to the registers and the array once the transaction decoded.
extension NORFlash {
    typealias Stream = (Int) -> [UInt8]

    /// Returns the flash's output stream for read-type commands, nil when it drives nothing.
    func execute(_ command: FlashCommand, _ t: SPITransaction, address: UInt32, wasResetEnabled: Bool, now: DeviceTime) -> Stream? {
        var name: String { command.description }
        var writeData: [UInt8]?
        if case .write(let bytes) = t.direction { writeData = bytes }

        func repeating(_ value: UInt8) -> Stream { { [UInt8](repeating: value, count: $0) } }
        func cycling(_ values: [UInt8]) -> Stream { { n in (0..<n).map { values[$0 % values.count] } } }
        /// Commands that end after their opcode (or address): a data phase means CS rose late.
        func noData() -> Bool {
            if case .none = t.direction { return true }
            record(.unexpectedPhase(command: name, phase: .data))
            return false
        }
        func firstDataByte() -> UInt8? {
            guard let b = writeData?.first else {
                record(.dataPhaseMissing(command: name))
                return nil
            }
            return b
        }
        func needsWriteEnable() -> Bool {
            if let s = suspended {
                record(.refusedWhileSuspended(command: name, suspended: s.operation.description))
                return false
            }
            if !registers.writeEnableLatch {
                record(.refusedWithoutWriteEnable(command: name, address: command.addressing == .none ? nil : address))
                return false
            }
            return true
        }
        func startBusy(_ what: FlashOperationLabel, _ duration: DeviceTime, suspendable: Bool = false, isErase: Bool = false,
                       programOrErase: Bool = false) {
            registers.writeEnableLatch = false
            let ends = now + duration
            busy = BusyOperation(label: what, ends: ends, suspendable: suspendable, isErase: isErase,
                                 isProgramOrErase: programOrErase)
            record(.busyStarted(operation: what, until: ends))
        }
        func setRegister(_ label: String, _ keyPath: WritableKeyPath<FlashRegisters, UInt8>, _ value: UInt8) {
            let old = registers[keyPath: keyPath]
            registers[keyPath: keyPath] = value
            if old != value { record(.registerWritten(register: label, old: old, new: value)) }
        }
        let times = part.timings(timing)
        let volatileStatusWrite = volatileStatusWriteEnabled
        volatileStatusWriteEnabled = false
        /// Status register writes take WEL, or the 50h that came just before (volatile write).
        func statusWriteAllowed() -> Bool { volatileStatusWrite || needsWriteEnable() }
        func writeStatusRegisters(_ bytes: [UInt8], startingAt first: Int?) {
            let targets = first.map { [$0] } ?? part.traits.writeStatusChain
            if volatileStatusWrite && registers.statusPowerOn == nil {
                registers.statusPowerOn = [registers.status, registers.status2, registers.status3, registers.status4]
            }
            for (byte, index) in zip(bytes, targets) {
                let mask = index < part.traits.statusWritableMasks.count ? part.traits.statusWritableMasks[index] : 0xFF
                let label = index < part.traits.statusRegisterNames.count ? part.traits.statusRegisterNames[index] : "Status Register \(index + 1)"
                let old = registers[status: index]
                let new = (byte & mask) | (old & ~mask)
                registers[status: index] = new
                if old != new { record(.registerWritten(register: label, old: old, new: new)) }
            }
            if volatileStatusWrite {
                registers.writeEnableLatch = false
            } else {
                startBusy(FlashOperationLabel(command: command), times.registerWrite)
            }
        }

        switch command.operation {
        case .read:
            return { [self] n in readArray(from: Int(address), count: n) }

        case .pageProgram:
            guard let data = writeData, !data.isEmpty else {
                record(.dataPhaseMissing(command: name))
                return nil
            }
            guard needsWriteEnable() else { return nil }
            let page = address & ~UInt32(part.pageSize - 1)
            if injectFault(isErase: false, label: FlashOperationLabel(command: command, address: address), range: page..<(page + UInt32(part.pageSize)),
                           duration: times.pageProgram, now: now, apply: { _ = program(command, data, at: address, now: now) }) { return nil }
            // A protected page: ISSI still runs its busy time (reference model); Micron does not
            // execute and keeps WEL (MT25Q datasheet, PROGRAM operations).
            let started = program(command, data, at: address, now: now)
            if started || part.traits.errorReporting != .micronFlagStatus {
                startBusy(FlashOperationLabel(command: command, address: address), times.pageProgram, suspendable: true, programOrErase: true)
            }
            return nil

        case .erase(let size):
            guard noData(), needsWriteEnable() else { return nil }
            let base = address & ~UInt32(size - 1)
            let range = base..<(base + UInt32(size))
            if let protected = protectedRange(), protected.overlaps(range) {
                refuseProtected(name, address: address, protected: protected, erase: true)
                return nil
            }
            if injectFault(isErase: true, label: FlashOperationLabel(command: command, address: base), range: range, duration: times.erase(bytes: size), now: now,
                           apply: { fill(range, operation: .erase(bytes: size), opcode: command.opcode, now: now) }) { return nil }
            if faults.failingErases.contains(where: { $0.overlaps(range) }) {
                latchFailure(name, address: base, erase: true)
            } else {
                fill(range, operation: .erase(bytes: size), opcode: command.opcode, now: now)
            }
            startBusy(FlashOperationLabel(command: command, address: base), times.erase(bytes: size), suspendable: true, isErase: true,
                      programOrErase: true)
            return nil

        case .chipErase:
            guard noData(), needsWriteEnable() else { return nil }
            let bp = blockProtectValue
            if bp != 0 {
                latchError(protection: true, erase: true)
                record(.chipEraseRefusedProtected(command: name, blockProtect: bp))
                return nil
            }
            if injectFault(isErase: true, label: FlashOperationLabel(command: command), range: 0..<UInt32(part.size), duration: times.chipErase, now: now,
                           apply: { fill(0..<UInt32(part.size), operation: .chipErase, opcode: command.opcode, now: now) }) { return nil }
            if faults.failingErases.contains(where: { $0.overlaps(0..<UInt32(part.size)) }) {
                latchFailure(name, address: 0, erase: true)
            } else {
                fill(0..<UInt32(part.size), operation: .chipErase, opcode: command.opcode, now: now)
            }
            startBusy(FlashOperationLabel(command: command), times.chipErase, isErase: true, programOrErase: true)
            return nil

        case .writeEnable:
            if noData() { registers.writeEnableLatch = true }
            return nil
        case .writeDisable:
            if noData() { registers.writeEnableLatch = false }
            return nil

        case .readStatus:
            let value = statusRegister
            return repeating(value)
        case .readFunction:
            return repeating(registers.function)
        case .readReadParameters:
            return repeating(registers.readParameters)
        case .readExtendedReadParameters:
            // Bit 0 mirrors WIP (reference §A.4 EB0).
            return repeating(registers.extendedReadParameters | (busy != nil ? 1 : 0))
        case .readBankAddress:
            return repeating(registers.bankAddress)

        case .writeStatus:
            // One byte per register of the part's chain (SR1; SR1+SR2; SR+CR; SR1+CR1..CR3).
            // WEL and WIP are read-only; the rest is non-volatile unless 50h came first.
            guard let bytes = writeData, !bytes.isEmpty else {
                record(.dataPhaseMissing(command: name))
                return nil
            }
            guard statusWriteAllowed() else { return nil }
            writeStatusRegisters(bytes, startingAt: nil)
            return nil
        case .writeStatusRegister(let index):
            guard let value = firstDataByte(), statusWriteAllowed() else { return nil }
            writeStatusRegisters([value], startingAt: index)
            return nil
        case .readStatusRegister(let index):
            return repeating(statusRegisterView(index))
        case .volatileStatusWriteEnable:
            if noData() { volatileStatusWriteEnabled = true }
            return nil

        case .readExtendedAddress:
            return repeating(registers.bankAddress & 0x7F)
        case .writeExtendedAddress:
            guard let value = firstDataByte(), needsWriteEnable() else { return nil }
            registers.writeEnableLatch = false
            setRegister("Extended Address Register", \.bankAddress, (registers.bankAddress & FlashRegisters.extendedAddress) | (value & 0x7F))
            return nil

        case .readFlagStatus:
            if busy == nil { flagStatusReadPending = false }
            return repeating(flagStatusView)
        case .clearFlagStatus:
            if noData() { registers.flagStatusErrors = 0 }
            return nil
        case .readVolatileConfiguration:
            return repeating(registers.volatileConfiguration)
        case .writeVolatileConfiguration:
            guard let value = firstDataByte(), needsWriteEnable() else { return nil }
            registers.writeEnableLatch = false
            setRegister("Volatile Configuration Register", \.volatileConfiguration, value)
            return nil
        case .readNonVolatileConfiguration:
            let v = registers.nonVolatileConfiguration
            return cycling([UInt8(v & 0xFF), UInt8(v >> 8)])
        case .writeNonVolatileConfiguration:
            guard let bytes = writeData, bytes.count >= 2 else {
                record(.dataPhaseMissing(command: name))
                return nil
            }
            guard needsWriteEnable() else { return nil }
            let value = UInt16(bytes[0]) | UInt16(bytes[1]) << 8
            if value != registers.nonVolatileConfiguration {
                record(.registerWritten(register: "Non-volatile Configuration Register (LSB)",
                                        old: UInt8(registers.nonVolatileConfiguration & 0xFF), new: bytes[0]))
                record(.registerWritten(register: "Non-volatile Configuration Register (MSB)",
                                        old: UInt8(registers.nonVolatileConfiguration >> 8), new: bytes[1]))
            }
            registers.nonVolatileConfiguration = value
            startBusy(FlashOperationLabel(command: command), times.registerWrite)
            return nil
        case .readEnhancedVolatileConfiguration:
            return repeating(registers.enhancedVolatileConfiguration)
        case .writeEnhancedVolatileConfiguration:
            guard let value = firstDataByte(), needsWriteEnable() else { return nil }
            registers.writeEnableLatch = false
            setRegister("Enhanced Volatile Configuration Register", \.enhancedVolatileConfiguration, value)
            // Bit 7 = 0 selects the quad I/O protocol: every phase on 4 lines, like QPI.
            isQPI = value & 0x80 == 0
            return nil

        case .readConfiguration2:
            return repeating(configuration2(at: address))
        case .writeConfiguration2:
            guard let value = firstDataByte(), needsWriteEnable() else { return nil }
            registers.writeEnableLatch = false
            let old = configuration2(at: address)
            if old != value {
                record(.registerWritten(register: "Configuration Register 2 at \(flashAddress(address))", old: old, new: value))
            }
            if address == 0x4000_0000 {
                registers.configuration2NonVolatile[address] = value
                startBusy(FlashOperationLabel(command: command), times.registerWrite)
                return nil
            }
            registers.configuration2[address] = value
            if address == 0 {
                // SOPI (bit 0) / DOPI (bit 1): the new protocol applies from the next command.
                let mode: FlashOctalMode = value & 0x02 != 0 ? .dtrOPI : value & 0x01 != 0 ? .strOPI : .spi
                if mode != octalMode {
                    record(.octalModeChanged(from: octalMode, to: mode))
                    octalMode = mode
                }
            }
            return nil
        case .readSecurityRegister:
            return repeating(registers.securityFlags | (registers.function & FlashRegisters.programSuspended != 0 ? 0x04 : 0)
                             | (registers.function & FlashRegisters.eraseSuspended != 0 ? 0x08 : 0))
        case .writeFunction:
            guard let value = firstDataByte(), needsWriteEnable() else { return nil }
            // OTP bits only go 0 -> 1; PSUS/ESUS are read-only.
            setRegister("Function Register", \.function, registers.function | (value & 0xF3))
            startBusy(FlashOperationLabel(command: command), times.registerWrite)
            return nil
        case .writeReadParameters(let volatile):
            guard let value = firstDataByte() else { return nil }
            if volatile {
                // No WEL needed by default (see `FlashQuirks.volatileRegisterWritesNeedWriteEnable`).
                if part.quirks.volatileRegisterWritesNeedWriteEnable {
                    guard needsWriteEnable() else { return nil }
                    registers.writeEnableLatch = false
                }
                setRegister("Read Register", \.readParameters, value)
                return nil
            }
            guard needsWriteEnable() else { return nil }
            setRegister("Read Register (non-volatile)", \.readParametersNonVolatile, value)
            setRegister("Read Register", \.readParameters, value)
            startBusy(FlashOperationLabel(command: command), times.registerWrite)
            return nil
        case .writeExtendedReadParameters(let volatile):
            guard let value = firstDataByte() else { return nil }
            // Bits 7:4 (ODS, DLPEN) are writable; 3:1 are the error flags, 0 mirrors WIP.
            let merged = (value & 0xF0) | (registers.extendedReadParameters & 0x0E)
            if volatile {
                if part.quirks.volatileRegisterWritesNeedWriteEnable {
                    guard needsWriteEnable() else { return nil }
                    registers.writeEnableLatch = false
                }
                setRegister("Extended Read Register", \.extendedReadParameters, merged)
                return nil
            }
            guard needsWriteEnable() else { return nil }
            setRegister("Extended Read Register (non-volatile)", \.extendedReadParametersNonVolatile, value & 0xF0)
            setRegister("Extended Read Register", \.extendedReadParameters, merged)
            startBusy(FlashOperationLabel(command: command), times.registerWrite)
            return nil
        case .clearExtendedReadParameters:
            if noData() {
                setRegister("Extended Read Register", \.extendedReadParameters, registers.extendedReadParameters & ~0x0E)
            }
            return nil
        case .writeBankAddress(let volatile, let needsWREN):
            guard let value = firstDataByte() else { return nil }
            if needsWREN && !needsWriteEnable() { return nil }
            let masked = value & 0x83
            if !volatile {
                setRegister("Bank Address Register (non-volatile)", \.bankAddressNonVolatile, masked)
            }
            setRegister("Bank Address Register", \.bankAddress, masked)
            if !volatile {
                startBusy(FlashOperationLabel(command: command), times.registerWrite)
            } else if needsWREN {
                registers.writeEnableLatch = false
            }
            return nil

        case .enter4ByteAddressing, .exit4ByteAddressing:
            guard noData() else { return nil }
            if part.quirks.fourByteModeCommandsNeedWriteEnable && !needsWriteEnable() { return nil }
            let enter = command.operation == .enter4ByteAddressing
            let label = part.traits.addressMode == .issiBankRegister ? "Bank Address Register" : "4-byte address mode"
            setRegister(label, \.bankAddress, enter ? registers.bankAddress | FlashRegisters.extendedAddress
                                                    : registers.bankAddress & ~FlashRegisters.extendedAddress)
            return nil
        case .enterQPI:
            guard noData() else { return nil }
            if part.quirks.qpiNeedsQuadEnable && !quadEnabled {
                record(.qpiRefusedWithoutQE(command: name))
                return nil
            }
            isQPI = true
            return nil
        case .exitQPI:
            if noData() { isQPI = false }
            return nil

        case .resetEnable:
            if noData() { resetEnabled = true }
            return nil
        case .reset:
            guard noData() else { return nil }
            guard wasResetEnabled else {
                record(.resetWithoutEnable)
                return nil
            }
            isQPI = false
            continuousRead = nil
            suspended = nil
            loadPowerOnState()
            record(.softwareReset)
            return nil

        case .readJEDECID:
            // DTR OPI moves two bytes per clock and the part drives each ID byte for a whole
            // clock: A A B B C C (Linux macronix.c, macronix_nor_octal_dtr_en, checks exactly
            // that after entering 8D-8D-8D; written by Macronix against the MX25LM datasheet).
            return cycling(octalMode == .dtrOPI ? part.jedecID.flatMap { [$0, $0] } : part.jedecID)
        case .releasePowerDownReadProductID:
            if isDeepPowerDown {
                isDeepPowerDown = false
                record(.deepPowerDownReleased)
            }
            return repeating(part.productID)
        case .readManufacturerDeviceID:
            let ids: [UInt8] = [part.jedecID.first ?? 0xFF, part.productID]
            return cycling(address & 1 == 0 ? ids : ids.reversed())
        case .readSFDP:
            let table = part.sfdp
            return { n in (0..<n).map { i in
                let a = Int(address) + i
                return a < table.count ? table[a] : 0xFF
            } }
        case .readUniqueID:
            let id = uniqueID
            return { n in (0..<n).map { i in
                let a = (Int(address) & 0x0F) + i
                return a < id.count ? id[a] : 0xFF
            } }

        case .suspend:
            guard noData() else { return nil }
            if let b = busy, b.suspendable {
                suspended = SuspendedOperation(operation: b, remaining: b.ends - now)
                busy = nil
                registers.function |= b.isErase ? FlashRegisters.eraseSuspended : FlashRegisters.programSuspended
                record(.suspended(operation: b.description))
            } else {
                record(.nothingToSuspendOrResume(command: name))
            }
            return nil
        case .resume:
            guard noData() else { return nil }
            if let s = suspended {
                suspended = nil
                registers.function &= ~(FlashRegisters.eraseSuspended | FlashRegisters.programSuspended)
                var op = s.operation
                op.ends = now + s.remaining
                busy = op
                record(.resumed(operation: op.description, until: op.ends))
            } else {
                record(.nothingToSuspendOrResume(command: name))
            }
            return nil
        case .deepPowerDown:
            if noData() {
                isDeepPowerDown = true
                record(.deepPowerDownEntered)
            }
            return nil
        }
    }

    /// 16 bytes, fixed per part name (the real one is factory-unique).
    var uniqueID: [UInt8] {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in part.name.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return (0..<16).map { UInt8(truncatingIfNeeded: (h &* UInt64($0 + 1)) >> 24) }
    }

    /// The range BP3..BP0 (status bits 5:2) protect, from the top of the array, or from
    /// the bottom with TBS = 1 (function register bit 1); nil when nothing is protected.
    public func protectedRange() -> Range<UInt32>? {
        let bp = Int(blockProtectValue)
        guard bp < part.blockProtectSizes.count else { return 0..<UInt32(part.size) }
        let bytes = min(part.blockProtectSizes[bp], part.size)
        guard bytes > 0 else { return nil }
        return registers.protectsBottom
            ? 0..<UInt32(bytes)
            : UInt32(part.size - bytes)..<UInt32(part.size)
    }

    func refuseProtected(_ name: String, address: UInt32, protected: Range<UInt32>, erase: Bool) {
        latchError(protection: true, erase: erase)
        record(.refusedProtected(command: name, address: address, protected: protected))
    }

    /// BP0, BP1, ... gathered from wherever the part keeps them in SR1.
    var blockProtectValue: UInt8 {
        var value: UInt8 = 0
        for (i, mask) in part.traits.blockProtectMasks.enumerated() where registers.status & mask != 0 {
            value |= 1 << UInt8(i)
        }
        return value
    }

    /// Sets the part's program/erase/protection error flags. Micron keeps WEL set after a
    /// refused command (datasheet: "the write enable latch bit remains set"); the others clear it.
    func latchError(protection: Bool, erase: Bool) {
        switch part.traits.errorReporting {
        case .issiExtendedReadRegister:
            registers.writeEnableLatch = false
            registers.extendedReadParameters |= (protection ? FlashRegisters.protectionError : 0)
                | (erase ? FlashRegisters.eraseError : FlashRegisters.programError)
        case .micronFlagStatus:
            if !protection { registers.writeEnableLatch = false }
            registers.flagStatusErrors |= (protection ? 0x02 : 0) | (erase ? 0x20 : 0x10)
        case .macronixSecurityRegister:
            registers.writeEnableLatch = false
            if !protection { registers.securityFlags |= erase ? 0x40 : 0x20 }
        case .none:
            registers.writeEnableLatch = false
        }
    }

    /// An injected array failure: nothing changes, the error flag is set, the busy time runs.
    func latchFailure(_ name: String, address: UInt32, erase: Bool) {
        latchError(protection: false, erase: erase)
        let flag: String
        switch part.traits.errorReporting {
        case .issiExtendedReadRegister: flag = erase ? "E_ERR (81h bit 3)" : "P_ERR (81h bit 2)"
        case .micronFlagStatus: flag = erase ? "erase error (flag status 70h bit 5)" : "program error (flag status 70h bit 4)"
        case .macronixSecurityRegister: flag = erase ? "E_FAIL (security register 2Bh bit 6)" : "P_FAIL (security register 2Bh bit 5)"
        case .none: flag = "no flag (the part reports none)"
        }
        record(.operationFailed(command: name, address: address, flag: flag))
    }

    /// Register `index` as a read returns it, with the bits that mirror state.
    func statusRegisterView(_ index: Int) -> UInt8 {
        var value = registers[status: index]
        if index == 0 { value |= busy != nil ? 1 : 0 }
        switch part.traits.addressMode {
        case .statusBits(let register, let current, _) where register == index:
            value = registers.extendedAddressing ? value | current : value & ~current
        case .macronixConfiguration where index == 1:
            value = registers.extendedAddressing ? value | 0x20 : value & ~0x20
        default:
            break
        }
        return value
    }

    /// Micron flag status: bit 7 ready, 6 erase suspended, 5/4 erase/program error,
    /// 2 program suspended, 1 protection error, 0 4-byte address mode.
    var flagStatusView: UInt8 {
        var value = registers.flagStatusErrors
        if busy == nil { value |= 0x80 }
        if registers.function & FlashRegisters.eraseSuspended != 0 { value |= 0x40 }
        if registers.function & FlashRegisters.programSuspended != 0 { value |= 0x04 }
        if registers.extendedAddressing { value |= 0x01 }
        return value
    }

    /// CR2 at `address`; the mode byte shows the current protocol.
    func configuration2(at address: UInt32) -> UInt8 {
        if address == 0 {
            switch octalMode {
            case .spi: return 0
            case .strOPI: return 0x01
            case .dtrOPI: return 0x02
            }
        }
        if address == 0x4000_0000 { return registers.configuration2NonVolatile[address] ?? 0xFF }
        return registers.configuration2[address] ?? 0
    }

    /// Page program: new = old & data, wrapping inside the page; more than a page keeps the
    /// last `pageSize` bytes (datasheet behaviour).
    /// Returns false when the page was protected and nothing started.
    @discardableResult
    func program(_ command: FlashCommand, _ input: [UInt8], at address: UInt32, now: DeviceTime) -> Bool {
        // Built only when an event needs it: this runs for every page program.
        var name: String { command.description }
        let pageSize = part.pageSize
        var data = input
        if data.count > pageSize {
            record(.programLongerThanPage(command: name, sent: data.count, kept: pageSize))
            data = Array(data.suffix(pageSize))
        }
        let pageBase = Int(address) & ~(pageSize - 1)
        let offset = Int(address) - pageBase
        if let protected = protectedRange(), protected.overlaps(UInt32(pageBase)..<UInt32(pageBase + pageSize)) {
            refuseProtected(name, address: address, protected: protected, erase: false)
            return false
        }
        let target = UInt32(pageBase + offset)..<UInt32(pageBase + min(offset + data.count, pageSize))
        if faults.failingPrograms.contains(where: { $0.overlaps(target) }) {
            latchFailure(name, address: address, erase: false)
            return true
        }
        let wrapped = offset + data.count - pageSize
        if wrapped > 0 {
            record(.pageWrapped(command: name, page: UInt32(pageBase), startOffset: offset, wrappedBytes: wrapped))
        }
        storage.withUnsafeMutableBufferPointer { array in
            for (i, byte) in data.enumerated() {
                array[pageBase + (offset + i) % pageSize] &= byte
            }
        }
        let firstEnd = min(offset + data.count, pageSize)
        changes.append(ContentChange(range: UInt32(pageBase + offset)..<UInt32(pageBase + firstEnd),
                                     operation: .program, opcode: command.opcode, time: now))
        if wrapped > 0 {
            changes.append(ContentChange(range: UInt32(pageBase)..<UInt32(pageBase + min(wrapped, offset)),
                                         operation: .program, opcode: command.opcode, time: now))
        }
        return true
    }

    func fill(_ range: Range<UInt32>, operation: ContentChange.Operation, opcode: UInt8, now: DeviceTime) {
        let lower = Int(range.lowerBound), upper = min(Int(range.upperBound), part.size)
        guard lower < upper else { return }
        storage.withUnsafeMutableBufferPointer { array in
            if let base = array.baseAddress { (base + lower).update(repeating: 0xFF, count: upper - lower) }
        }
        changes.append(ContentChange(range: range, operation: operation, opcode: opcode, time: now))
    }
}
