import VirtualTime

// Macronix MX25L25645G / MX25L51245G (3 V quad, MXSMIO), as data. Sources in docs/parts.md:
// IDs from Linux drivers/mtd/spi-nor/macronix.c; QE = SR bit 6 (Linux QER 010b "Macronix");
// WRSR writes SR then CR; CR bits 7:6 DC, bit 5 4BYTE (read-only), bit 3 TB; EAR C5h/C8h;
// suspend B0h/30h; security register 2Bh P_FAIL/E_FAIL (ST BSP mx25l512.h / mx25lm51245g.h).
extension FlashPart {
    public static let mx25l25645g = macronixQuad(name: "MX25L25645G", capacity: 0x19, size: 32 << 20, chipErase: (80, 600))
    public static let mx25l51245g = macronixQuad(name: "MX25L51245G", capacity: 0x1A, size: 64 << 20, chipErase: (150, 600))

    static func macronixQuad(name: String, capacity: UInt8, size: Int, chipErase: (Int, Int)) -> FlashPart {
        let typical = FlashTimings(
            pageProgram: .microseconds(250), sectorErase4K: .milliseconds(25), blockErase32K: .milliseconds(140),
            blockErase64K: .milliseconds(250), chipErase: .seconds(Double(chipErase.0)), registerWrite: .milliseconds(10))
        // Maximum times from Macronix's own driver table (nor_ops.c, "timing value": tW 140 ms,
        // tPP 3 ms, tSE 400 ms, tBE32 1 s, tBE 2 s, tCE 600 s for both densities).
        let maximum = FlashTimings(
            pageProgram: .milliseconds(3), sectorErase4K: .milliseconds(400), blockErase32K: .milliseconds(1000),
            blockErase64K: .milliseconds(2000), chipErase: .seconds(Double(chipErase.1)), registerWrite: .milliseconds(140))

        var c = CommandSetBuilder()
        c.jedecCore()
        // Dummy clocks for CR DC1..DC0 = 00, 01, 10, 11 [MEM: datasheet "Dummy Cycle and
        // Frequency Table"]; 00 is the power-on value and each command's default.
        c.read(0x03, 0x13, "Read")
        c.read(0x0B, 0x0C, "Fast Read", dummy: 8, qpiDummy: 6, table: [8, 6, 8, 10])
        c.read(0x3B, 0x3C, "Dual Output Read", data: 2, dummy: 8, availability: .spiOnly, table: [8, 4, 8, 10])
        c.read(0xBB, 0xBC, "2x I/O Read", address: 2, data: 2, dummy: 4, mode: 4, availability: .spiOnly, table: [4, 6, 8, 10])
        c.read(0x6B, 0x6C, "Quad Output Read", data: 4, dummy: 8, availability: .spiOnly, table: [8, 6, 8, 10])
        c.read(0xEB, 0xEC, "4x I/O Read", address: 4, data: 4, dummy: 6, qpiDummy: 6, mode: 2, table: [6, 4, 8, 10])
        c.write(0x02, 0x12, "Page Program", .pageProgram)
        // 4PP is 1-4-4 on Macronix: address and data on 4 lines.
        c.write(0x38, 0x3E, "4x I/O Page Program", .pageProgram, address: 4, data: 4)
        c.erases([(0x20, 0x21, 4096), (0x52, 0x5C, 32768), (0xD8, 0xDC, 65536)])
        c.add(0x15, "Read Configuration Register", .readStatusRegister(index: 1))
        c.add(0x2B, "Read Security Register", .readSecurityRegister)
        c.add(0xB7, "Enter 4-Byte Mode", .enter4ByteAddressing)
        c.add(0xE9, "Exit 4-Byte Mode", .exit4ByteAddressing)
        c.add(0xC8, "Read Extended Address Register", .readExtendedAddress)
        c.add(0xC5, "Write Extended Address Register", .writeExtendedAddress)
        c.add(0x35, "Enable QPI", .enterQPI, availability: .spiOnly)
        c.add(0xF5, "Reset QPI", .exitQPI, availability: .qpiOnly)
        c.add(0xAF, "QPI ID Read", .readJEDECID, availability: .qpiOnly)
        c.add(0x9F, "Read Identification", .readJEDECID, availability: .spiOnly)
        c.add(0xB0, "Program/Erase Suspend", .suspend)
        c.add(0x30, "Program/Erase Resume", .resume)

        let traits = FlashPartTraits(
            statusRegisterNames: ["Status Register", "Configuration Register"],
            writeStatusChain: [0, 1], statusWritableMasks: [0xFC, 0xCF],
            quadEnable: .bit(register: 0, mask: 0x40),
            addressMode: .macronixConfiguration,
            dummyCycleSource: .macronixConfiguration,
            errorReporting: .macronixSecurityRegister)
        let sfdp = SFDPDescription(
            size: size, typical: typical, maximum: maximum, addressBytes: .threeOrFour,
            quadEnableRequirement: 0b010, qpiEnable: 0b00100, qpiDisable: 0b0010,
            enter4Byte: FourByteEntry.b7h | FourByteEntry.extendedAddressRegister | FourByteEntry.dedicatedOpcodes,
            exit4Byte: FourByteExit.e9h | FourByteExit.extendedAddressRegister | FourByteExit.softwareReset | FourByteExit.powerCycle,
            suspendOpcodes: (0xB0, 0x30), manufacturer: 0xC2)
        return FlashPart(
            name: name, jedecID: [0xC2, 0x20, capacity], productID: capacity - 1, size: size, pageSize: 256,
            eraseSizes: [4096, 32768, 65536], blockProtectSizes: doublingProtection(size: size, bits: 4),
            typicalTimings: typical, maximumTimings: maximum, sfdp: sfdp.bytes(),
            quirks: FlashQuirks(), defaultExtendedReadRegister: 0, commands: c.commands, traits: traits)
    }
}
