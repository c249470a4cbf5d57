#if OCTAL
/// Octal DTR (OPI DTR, 8D-8D-8D) for the Macronix MX25LM51245G class, from the part's
/// datasheet command table as ST's BSP component mx25lm51245g.h carries it:
///
///   WRCR2 72h (SPI: 1-1-1, 4-byte address) to CR2 address 0000_0000h, value 02h = DOPI
///   8D-8D-8D: a 16-bit instruction, opcode then its inverse (EEh/11h read, 12h/EDh page
///   program, 21h/DEh 4 KiB and DCh/23h 64 KiB erase, 60h/9Fh chip erase, 06h/F9h WREN,
///   05h/FAh RDSR, 71h/8Eh RDCR2, 66h/99h + 99h/66h reset), 4-byte addresses in DTR,
///   register reads with address 0 and 5 dummy cycles, two bytes (the register repeated),
///   reads strobed by DQS, memory reads with CR2 0300h's dummy cycles (DC = 000 after reset:
///   20 cycles, what Linux and U-Boot use for this part).
///
/// SFDP decides where it can: the xSPI profile 1.0 table (parameter ID FF05h, JESD216D.01)
/// gives the 8D read opcode (dword 1 b15:8), the RDSR dummy cycles (b28: 8, else 4) and
/// address (b29), the 200 MHz read dummy cycles (dword 4 b11:7); BFPT dword 18 b30:29 the
/// opcode extension (00 repeat, 01 inverted). Field positions as in Linux spi-nor sfdp.c
/// (spi_nor_parse_profile1, BFPT_DWORD18_CMD_EXT_*). Without a profile table the values
/// above are used. Register reads: ST's BSP for this part on the U5 uses 5 dummy cycles in DTR
/// (DUMMY_CYCLES_REG_OCTAL_DTR), as does the lab's part; Linux's profile default is 4. 5 is
/// safe either way: the register is output repeatedly, so a part that starts one clock (two
/// bytes) earlier still gives the register in both bytes sampled.
enum OctalDTR {
    static let writeConfiguration2: UInt8 = 0x72
    static let readConfiguration2: UInt8 = 0x71
    static let doubleTransferRateOPI: UInt8 = 0x02
    static let readDefault: UInt8 = 0xEE
    static let readDummyDefault: UInt32 = 20
    static let pageProgram: UInt8 = 0x12
    static let chipErase: UInt8 = 0x60

    /// The OPI DTR software reset, sent before the SPI ones: a part left in DOPI by an
    /// earlier session ignores 1-line commands. A part in SPI mode sees one clock on IO0.
    static func reset(_ spi: OCTOSPI) -> Bool {
        Profile.opcodeExtensionXor = 0xFF
        return spi.run(SPICommand(octal: SPINOR.Opcode.resetEnable)) && spi.run(SPICommand(octal: SPINOR.Opcode.reset))
    }

    /// Profile fields from the SFDP (zero words: no profile table, the datasheet defaults).
    static func learn(profileDword1: UInt32, profileDword4: UInt32, bfptDword18: UInt32) {
        let inverted = (bfptDword18 >> 29) & 0b11 != 0b00 || bfptDword18 == 0xFFFF_FFFF
        Profile.opcodeExtensionXor = inverted ? 0xFF : 0
        var opcode = UInt32(readDefault)
        var dummy = readDummyDefault
        var registerDummy: UInt32 = 5 | 1 << 8
        if profileDword1 != 0 && profileDword1 != 0xFFFF_FFFF {
            opcode = (profileDword1 >> 8) & 0xFF
            registerDummy = (profileDword1 & 1 << 28 != 0 ? 8 : 4) | (profileDword1 & 1 << 29 != 0 ? 1 << 8 : 0)
            let listed = (profileDword4 >> 7) & 0x1F
            if listed != 0 { dummy = (listed + 1) & ~1 }  // even, as Linux rounds it
        }
        Profile.read = opcode | dummy << 8
        Profile.program = UInt32(pageProgram)
        Profile.registerDummyCycles = registerDummy
    }

    static func registerRead(_ opcode: UInt8, address: UInt32, hasAddress: Bool) -> SPICommand {
        SPICommand(octal: opcode, address: address, hasAddress: hasAddress, dummyCycles: Profile.registerDummyCycles & 0x1F,
                   data: true, strobe: true)
    }

    static var statusRead: SPICommand {
        registerRead(SPINOR.Opcode.readStatus, address: 0, hasAddress: Profile.registerDummyCycles & 1 << 8 != 0)
    }

    /// WREN, WRCR2 (SPI) to DOPI; then the controller: delay block calibrated and in use,
    /// Macronix byte order; then CR2 read back in 8D-8D-8D, which only a part in DOPI answers.
    static func enter(_ flash: QuadFlash, instance: UInt32) -> Bool {
        let spi = flash.spi
        let write = SPICommand(instruction: writeConfiguration2, addressLines: .one, address: 0, addressSize: 0b11, dataLines: .one)
        guard flash.writeEnable(), spi.writeByte(write, doubleTransferRateOPI) else { return false }
        Profile.flags |= Profile.Flag.fourByteAddress | Profile.Flag.octal
        spi.cr.clear(OCTOSPI.CR.en)
        spi.dcr1.replace(OCTOSPI.DCR1.mtypMask | OCTOSPI.DCR1.dlybyp, with: OCTOSPI.DCR1.mtypMacronix)
        spi.cr.set(OCTOSPI.CR.en)
        guard DelayBlock(instance: instance).calibrate(spi), flash.waitReady(milliseconds: SPINOR.Timeout.writeStatusMs),
              let mode = spi.read(registerRead(readConfiguration2, address: 0, hasAddress: true), count: 2)
        else { return false }
        return mode & 0xFF == UInt32(doubleTransferRateOPI) || (mode >> 8) & 0xFF == UInt32(doubleTransferRateOPI)
    }
}
#endif
