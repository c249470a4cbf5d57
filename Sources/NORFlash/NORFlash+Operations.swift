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
        func startBusy(_ what: String, _ duration: DeviceTime, suspendable: Bool = false, isErase: Bool = false) {
            registers.writeEnableLatch = false
            let ends = now + duration
            busy = BusyOperation(description: what, ends: ends, suspendable: suspendable, isErase: isErase)
            record(.busyStarted(operation: what, until: ends))
        }
        func setRegister(_ label: String, _ keyPath: WritableKeyPath<FlashRegisters, UInt8>, _ value: UInt8) {
            let old = registers[keyPath: keyPath]
            registers[keyPath: keyPath] = value
            if old != value { record(.registerWritten(register: label, old: old, new: value)) }
        }
        let times = part.timings(timing)

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
            if injectFault(isErase: false, name: "\(name) at \(flashAddress(address))", range: page..<(page + UInt32(part.pageSize)),
                           duration: times.pageProgram, now: now, apply: { program(command, data, at: address, now: now) }) { return nil }
            program(command, data, at: address, now: now)
            startBusy("\(name) at \(flashAddress(address))", times.pageProgram, suspendable: true)
            return nil

        case .erase(let size):
            guard noData(), needsWriteEnable() else { return nil }
            let base = address & ~UInt32(size - 1)
            let range = base..<(base + UInt32(size))
            if let protected = protectedRange(), protected.overlaps(range) {
                refuseProtected(name, address: address, protected: protected, errorBit: FlashRegisters.eraseError)
                return nil
            }
            if injectFault(isErase: true, name: "\(name) at \(flashAddress(base))", range: range, duration: times.erase(bytes: size), now: now,
                           apply: { fill(range, operation: .erase(bytes: size), opcode: command.opcode, now: now) }) { return nil }
            fill(range, operation: .erase(bytes: size), opcode: command.opcode, now: now)
            startBusy("\(name) at \(flashAddress(base))", times.erase(bytes: size), suspendable: true, isErase: true)
            return nil

        case .chipErase:
            guard noData(), needsWriteEnable() else { return nil }
            if registers.blockProtect != 0 {
                registers.writeEnableLatch = false
                registers.extendedReadParameters |= FlashRegisters.protectionError | FlashRegisters.eraseError
                record(.chipEraseRefusedProtected(command: name, blockProtect: registers.blockProtect))
                return nil
            }
            if injectFault(isErase: true, name: name, range: 0..<UInt32(part.size), duration: times.chipErase, now: now,
                           apply: { fill(0..<UInt32(part.size), operation: .chipErase, opcode: command.opcode, now: now) }) { return nil }
            fill(0..<UInt32(part.size), operation: .chipErase, opcode: command.opcode, now: now)
            startBusy(name, times.chipErase, isErase: true)
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
            guard let value = firstDataByte(), needsWriteEnable() else { return nil }
            // Bits 1:0 (WEL, WIP) are read-only; bits 7:2 are non-volatile.
            setRegister("Status Register", \.status, (value & 0xFC) | (registers.status & 0x03))
            startBusy(name, times.registerWrite)
            return nil
        case .writeFunction:
            guard let value = firstDataByte(), needsWriteEnable() else { return nil }
            // OTP bits only go 0 -> 1; PSUS/ESUS are read-only.
            setRegister("Function Register", \.function, registers.function | (value & 0xF3))
            startBusy(name, times.registerWrite)
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
            startBusy(name, times.registerWrite)
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
            startBusy(name, times.registerWrite)
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
                startBusy(name, times.registerWrite)
            } else if needsWREN {
                registers.writeEnableLatch = false
            }
            return nil

        case .enter4ByteAddressing:
            if noData() { setRegister("Bank Address Register", \.bankAddress, registers.bankAddress | FlashRegisters.extendedAddress) }
            return nil
        case .exit4ByteAddressing:
            if noData() { setRegister("Bank Address Register", \.bankAddress, registers.bankAddress & ~FlashRegisters.extendedAddress) }
            return nil
        case .enterQPI:
            if noData() { isQPI = true }
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
            registers.loadNonVolatile()
            record(.softwareReset)
            return nil

        case .readJEDECID:
            return cycling(part.jedecID)
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
        let bp = Int(registers.blockProtect)
        guard bp < part.blockProtectSizes.count else { return 0..<UInt32(part.size) }
        let bytes = min(part.blockProtectSizes[bp], part.size)
        guard bytes > 0 else { return nil }
        return registers.protectsBottom
            ? 0..<UInt32(bytes)
            : UInt32(part.size - bytes)..<UInt32(part.size)
    }

    func refuseProtected(_ name: String, address: UInt32, protected: Range<UInt32>, errorBit: UInt8) {
        registers.writeEnableLatch = false
        registers.extendedReadParameters |= FlashRegisters.protectionError | errorBit
        record(.refusedProtected(command: name, address: address, protected: protected))
    }

    /// Page program: new = old & data, wrapping inside the page; more than a page keeps the
    /// last `pageSize` bytes (datasheet behaviour).
    func program(_ command: FlashCommand, _ input: [UInt8], at address: UInt32, now: DeviceTime) {
        let name = command.description
        let pageSize = part.pageSize
        var data = input
        if data.count > pageSize {
            record(.programLongerThanPage(command: name, sent: data.count, kept: pageSize))
            data = Array(data.suffix(pageSize))
        }
        let pageBase = Int(address) & ~(pageSize - 1)
        let offset = Int(address) - pageBase
        if let protected = protectedRange(), protected.overlaps(UInt32(pageBase)..<UInt32(pageBase + pageSize)) {
            refuseProtected(name, address: address, protected: protected, errorBit: FlashRegisters.programError)
            return
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
