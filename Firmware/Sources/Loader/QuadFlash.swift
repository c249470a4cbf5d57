/// A serial NOR as seen through one OCTOSPI in indirect mode: the command sequences of
/// JESD216 and the datasheets, each checked (status read back, errors looked up), none
/// assumed. What differs between parts comes from `Profile`.
struct QuadFlash {
    typealias Op = SPINOR.Opcode
    let spi: OCTOSPI

    // MARK: Bring-up

    /// Software reset in QPI (4-line 66h/99h) and in SPI (1-line), then tRST. A flash left
    /// in QPI or a half-finished command by a previous session or the application does not
    /// survive a warm MCU reset otherwise. In SPI mode the 4-line instructions are 2 clocks
    /// long and ignored. 66h/99h is the JESD216 soft reset every part served has (BFPT dword
    /// 16 b12); it is sent before SFDP can be read, since SFDP reads need SPI mode.
    func reset() -> Bool {
        guard softwareReset(lines: .four), softwareReset(lines: .one) else { return false }
        delay(microseconds: SPINOR.Timeout.resetRecoveryUs)
        // A program or erase cut short by a previous session may still be finishing.
        return waitReady(milliseconds: SPINOR.Timeout.afterResetMs)
    }

    private func softwareReset(lines: Lines) -> Bool {
        spi.run(SPICommand(instruction: Op.resetEnable, instructionLines: lines))
            && spi.run(SPICommand(instruction: Op.reset, instructionLines: lines))
    }

    func readJEDECID() -> UInt32? {
        spi.read(SPICommand(instruction: Op.readJEDECID, dataLines: .one), count: 3)
    }

    func readRegister(_ opcode: UInt8) -> UInt8? {
        guard let value = spi.read(SPICommand(instruction: opcode, dataLines: .one), count: 1) else { return nil }
        return UInt8(truncatingIfNeeded: value)
    }

    /// WREN, then RDSR to see WEL = 1: a flash that does not answer (wrong pin, no QE...)
    /// fails here rather than after a program that silently did nothing.
    @inline(never) func writeEnable() -> Bool {
        #if OCTAL
        if Profile.isOctal {
            guard spi.run(SPICommand(octal: Op.writeEnable)), let status = spi.read(OctalDTR.statusRead, count: 2) else { return false }
            return UInt8(truncatingIfNeeded: status) & SPINOR.Status.wel != 0
        }
        #endif
        guard spi.run(SPICommand(instruction: Op.writeEnable)), let status = readRegister(Op.readStatus) else { return false }
        return status & SPINOR.Status.wel != 0
    }

    /// Polls RDSR with the OCTOSPI's automatic polling until WIP = 0.
    func waitReady(milliseconds: UInt32) -> Bool {
        #if OCTAL
        // Two bytes in DTR (the status register twice); the match is on the first.
        if Profile.isOctal { return spi.poll(OctalDTR.statusRead, mask: SPINOR.Status.wip, match: 0, milliseconds: milliseconds) }
        #endif
        return spi.poll(SPICommand(instruction: Op.readStatus, dataLines: .one), mask: SPINOR.Status.wip, match: 0, milliseconds: milliseconds)
    }

    /// WREN, a register write of `count` bytes (first byte in b7:0 of `bytes`), WIP polled.
    private func writeRegister(_ opcode: UInt8, _ bytes: UInt32, count: UInt32) -> Bool {
        var value = bytes
        guard writeEnable() else { return false }
        let sent = withUnsafeBytes(of: &value) { spi.write(SPICommand(instruction: opcode, dataLines: .one), from: $0.baseAddress!, count: count) }
        return sent && waitReady(milliseconds: SPINOR.Timeout.writeStatusMs)
    }

    /// Quad enable as BFPT dword 15's QER says, and the block-protect bits `protection` of
    /// status register 1 cleared; non-volatile registers are written only when they differ,
    /// then read back.
    ///   000/111 no QE bit · 010 SR1 b6 (01h, 1 byte) · 011 SR2 b7 (3Eh/3Fh)
    ///   001/100/101 SR2 b1 (01h with 2 bytes; SR2 read with 35h, CMP b6 cleared as well)
    func enableQuadAndUnprotect(qer: UInt32, protection: UInt8) -> Bool {
        guard let status = readRegister(Op.readStatus) else { return false }
        var wanted = status & ~protection
        if qer == 0b010 { wanted |= 0x40 }
        if qer == 0b001 || qer == 0b100 || qer == 0b101 {
            guard let second = readRegister(Op.readStatus2) else { return false }
            let wanted2 = (second | 0x02) & ~0x40
            if status != wanted || second != wanted2 {
                guard writeRegister(Op.writeStatus, UInt32(wanted) | UInt32(wanted2) << 8, count: 2) else { return false }
            }
            guard let check2 = readRegister(Op.readStatus2), check2 & 0x42 == 0x02 else { return false }
        } else if status != wanted {
            guard writeRegister(Op.writeStatus, UInt32(wanted), count: 1) else { return false }
        }
        if qer == 0b011 {
            guard let second = readRegister(Op.readStatus2Alt) else { return false }
            if second & 0x80 == 0 {
                guard writeRegister(Op.writeStatus2Alt, UInt32(second | 0x80), count: 1),
                      let check2 = readRegister(Op.readStatus2Alt), check2 & 0x80 != 0
                else { return false }
            }
        }
        guard let check = readRegister(Op.readStatus) else { return false }
        let mask = protection | (qer == 0b010 ? 0x40 : 0)
        return check & mask == wanted & mask
    }

    /// ISSI: the volatile Read Register back to 0 (each read's default dummy cycles, which the
    /// SFDP/built-in tables describe), read back with 61h, then the errors of an earlier
    /// session cleared (82h). A WREN first, in case a part wants one for SRPV [MEM].
    func issiDefaultReadParameters() -> Bool {
        writeEnable() && spi.writeByte(SPICommand(instruction: ISSI.setReadParametersVolatile, dataLines: .one), ISSI.defaultReadRegister)
            && readRegister(ISSI.readReadParameters) == ISSI.defaultReadRegister
            && spi.run(SPICommand(instruction: ISSI.clearExtendedReadParameters))
    }

    /// After a program or erase: ISSI latches PROT_E/P_ERR/E_ERR in its Extended Read
    /// Register (cleared with 82h, then failure); other parts have no such register in
    /// common, and the programmer's verify catches what did not take.
    func noErrors(_ errors: UInt8) -> Bool {
        guard Profile.flags & Profile.Flag.issiErrorRegister != 0 else { return true }
        guard let extended = readRegister(ISSI.readExtendedReadParameters) else { return false }
        if extended & errors == 0 { return true }
        _ = spi.run(SPICommand(instruction: ISSI.clearExtendedReadParameters))
        return false
    }

    // MARK: Program and erase (offsets are flash offsets)

    /// One page program (Profile.program) of `count` bytes that stay within one page.
    @inline(never) func programPage(offset: UInt32, from source: UnsafeRawPointer, count: UInt32) -> Bool {
        #if OCTAL
        if Profile.isOctal { return programPageOctal(offset: offset, from: source, count: count) }
        #endif
        return programOnePiece(offset: offset, from: source, count: count)
    }

    #if OCTAL
    /// In DTR a page program moves whole 16-bit words from an even address (two bytes per
    /// clock), so an odd first or last byte goes out as its own word with FFh beside it:
    /// programming FFh leaves a NOR byte as it is.
    private func programPageOctal(offset: UInt32, from source: UnsafeRawPointer, count: UInt32) -> Bool {
        var start = offset
        var data = source
        var left = count
        if start & 1 != 0 {
            var word = UInt16(0x00FF) | UInt16(data.load(as: UInt8.self)) << 8
            guard withUnsafeBytes(of: &word, { programOnePiece(offset: start - 1, from: $0.baseAddress!, count: 2) }) else { return false }
            start += 1
            data += 1
            left -= 1
        }
        let even = left & ~1
        if even != 0 {
            guard programOnePiece(offset: start, from: data, count: even) else { return false }
        }
        if left & 1 != 0 {
            var word = UInt16(data.load(fromByteOffset: Int(even), as: UInt8.self)) | 0xFF00
            return withUnsafeBytes(of: &word) { programOnePiece(offset: start + even, from: $0.baseAddress!, count: 2) }
        }
        return true
    }
    #endif

    private func programOnePiece(offset: UInt32, from source: UnsafeRawPointer, count: UInt32) -> Bool {
        guard writeEnable(), spi.write(Profile.programCommand(offset: offset), from: source, count: count),
              waitReady(milliseconds: SPINOR.Timeout.pageProgramMs)
        else { return false }
        return noErrors(ISSI.programError | ISSI.protectionError)
    }

    @inline(never) func erase(opcode: UInt8, offset: UInt32, milliseconds: UInt32) -> Bool {
        #if OCTAL
        let command = Profile.isOctal ? SPICommand(octal: opcode, address: offset, hasAddress: true)
            : SPICommand(instruction: opcode, addressLines: .one, address: offset, addressSize: Profile.addressSize)
        #else
        let command = SPICommand(instruction: opcode, addressLines: .one, address: offset, addressSize: Profile.addressSize)
        #endif
        guard writeEnable(), spi.run(command), waitReady(milliseconds: milliseconds) else { return false }
        return noErrors(ISSI.eraseError | ISSI.protectionError)
    }

    func eraseChip() -> Bool {
        #if OCTAL
        let command = Profile.isOctal ? SPICommand(octal: OctalDTR.chipErase) : SPICommand(instruction: Op.chipErase)
        #else
        let command = SPICommand(instruction: Op.chipErase)
        #endif
        guard writeEnable(), spi.run(command),
              waitReady(milliseconds: SPINOR.Timeout.chipEraseMs)
        else { return false }
        return noErrors(ISSI.eraseError | ISSI.protectionError)
    }
}
