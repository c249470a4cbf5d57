/// The IS25LP512M as seen through one OCTOSPI in indirect mode: the command sequences of
/// the datasheet, each checked (status read back, errors looked up), none assumed.
struct QuadFlash {
    typealias Op = IS25LP512M.Opcode
    let spi: OCTOSPI

    // MARK: Bring-up

    /// Software reset in QPI (4-line 66h/99h) and in SPI (1-line), then tRST. A flash left
    /// in QPI or a half-finished command by a previous session or the application does not
    /// survive a warm MCU reset otherwise (is25lp512m.md §A.5, §A.7.3). In SPI mode the
    /// 4-line instructions are 2 clocks long and ignored.
    func reset() -> Bool {
        guard softwareReset(lines: .four), softwareReset(lines: .one) else { return false }
        delay(microseconds: IS25LP512M.Timeout.resetRecoveryUs)
        // A program or erase cut short by a previous session may still be finishing.
        return waitReady(milliseconds: IS25LP512M.Timeout.afterResetMs)
    }

    private func softwareReset(lines: Lines) -> Bool {
        spi.run(SPICommand(instruction: Op.resetEnable, instructionLines: lines))
            && spi.run(SPICommand(instruction: Op.reset, instructionLines: lines))
    }

    func readJEDECID() -> UInt32? {
        spi.read(SPICommand(instruction: Op.readJEDECID, dataLines: .one), count: 3)
    }

    func readStatus() -> UInt8? {
        readRegister(Op.readStatus)
    }

    func readRegister(_ opcode: UInt8) -> UInt8? {
        guard let value = spi.read(SPICommand(instruction: opcode, dataLines: .one), count: 1) else { return nil }
        return UInt8(truncatingIfNeeded: value)
    }

    /// WREN, then RDSR to see WEL = 1: a flash that does not answer (wrong pin, no QE...)
    /// fails here rather than after a program that silently did nothing.
    @inline(never) func writeEnable() -> Bool {
        guard spi.run(SPICommand(instruction: Op.writeEnable)), let status = readStatus() else { return false }
        return status & IS25LP512M.Status.wel != 0
    }

    /// Polls RDSR with the OCTOSPI's automatic polling until WIP = 0.
    func waitReady(milliseconds: UInt32) -> Bool {
        spi.poll(SPICommand(instruction: Op.readStatus, dataLines: .one), mask: IS25LP512M.Status.wip, match: 0, milliseconds: milliseconds)
    }

    /// QE = 1 (quad phases need it; IO2/IO3 are WP#/HOLD# otherwise) and BP3..0 = 0. The
    /// status register is non-volatile, so it is written only when it differs.
    func enableQuadAndUnprotect() -> Bool {
        guard let status = readStatus() else { return false }
        let wanted = (status | IS25LP512M.Status.qe) & ~IS25LP512M.Status.blockProtect
        if status != wanted {
            guard writeEnable(),
                  spi.writeByte(SPICommand(instruction: Op.writeStatus, dataLines: .one), wanted),
                  waitReady(milliseconds: IS25LP512M.Timeout.writeStatusMs)
            else { return false }
        }
        guard let check = readStatus() else { return false }
        return check & (IS25LP512M.Status.qe | IS25LP512M.Status.blockProtect) == IS25LP512M.Status.qe
    }

    /// Programs the Read Register's dummy cycles (volatile SRPV) and reads them back. If a
    /// part wants WREN before SRPV, the first readback differs and the write is repeated
    /// after WREN (then WRDI clears the latch again).
    func setReadParameters() -> Bool {
        let command = SPICommand(instruction: Op.setReadParametersVolatile, dataLines: .one)
        guard spi.writeByte(command, IS25LP512M.readRegisterValue) else { return false }
        if readRegister(Op.readReadParameters) == IS25LP512M.readRegisterValue { return true }
        guard writeEnable(), spi.writeByte(command, IS25LP512M.readRegisterValue),
              spi.run(SPICommand(instruction: Op.writeDisable))
        else { return false }
        return readRegister(Op.readReadParameters) == IS25LP512M.readRegisterValue
    }

    /// True when none of `errors` is set in the Extended Read Register; otherwise clears
    /// the latched bits (82h) and reports failure.
    func noErrors(_ errors: UInt8) -> Bool {
        guard let extended = readRegister(Op.readExtendedReadParameters) else { return false }
        if extended & errors == 0 { return true }
        _ = spi.run(SPICommand(instruction: Op.clearExtendedReadParameters))
        return false
    }

    func clearErrors() -> Bool {
        spi.run(SPICommand(instruction: Op.clearExtendedReadParameters))
    }

    // MARK: Program and erase (offsets are flash offsets, 0 ..< 64 MiB)

    /// Quad input page program 34h (1-1-4) of `count` bytes that stay within one page.
    @inline(never) func programPage(offset: UInt32, from source: UnsafeRawPointer, count: UInt32) -> Bool {
        let command = SPICommand(instruction: Op.quadPageProgram4B, addressLines: .one, address: offset, dataLines: .four)
        guard writeEnable(), spi.write(command, from: source, count: count),
              waitReady(milliseconds: IS25LP512M.Timeout.pageProgramMs)
        else { return false }
        return noErrors(IS25LP512M.ExtendedRead.programError | IS25LP512M.ExtendedRead.protectionError)
    }

    @inline(never) func erase(opcode: UInt8, offset: UInt32, milliseconds: UInt32) -> Bool {
        let command = SPICommand(instruction: opcode, addressLines: .one, address: offset)
        guard writeEnable(), spi.run(command), waitReady(milliseconds: milliseconds) else { return false }
        return noErrors(IS25LP512M.ExtendedRead.eraseError | IS25LP512M.ExtendedRead.protectionError)
    }

    func eraseChip() -> Bool {
        guard writeEnable(), spi.run(SPICommand(instruction: Op.chipErase)),
              waitReady(milliseconds: IS25LP512M.Timeout.chipEraseMs)
        else { return false }
        return noErrors(IS25LP512M.ExtendedRead.eraseError | IS25LP512M.ExtendedRead.protectionError)
    }

    // MARK: Memory-mapped reads

    /// 6Ch, Fast Read Quad Output with 4-byte address: 1-1-4, 8 dummy cycles (the value
    /// written to the Read Register), no mode bits, so the flash never enters AX mode.
    static let memoryMappedRead = SPICommand(
        instruction: Op.fastReadQuadOutput4B, addressLines: .one, dummyCycles: IS25LP512M.readDummyCycles, dataLines: .four)
}
