import VirtualTime

// Cypress/Infineon (Spansion) S25FL256L (3 V, 256 Mbit, FL-L family), as data. Sources in
// docs/parts.md: ID 01 60 19 from Linux drivers/mtd/spi-nor/spansion.c ("s25fl256l");
// QE = CR1 bit 1 (Linux QER 101b "Spansion"), WRR 01h writes SR1, CR1, CR2, CR3 in turn;
// 4BEN B7h / 4BEX B8h; dedicated 4-byte opcodes including 53h (32K); QPI 38h / F5h.
// Register bit positions beyond QE and the dummy/latency table are [MEM].
extension FlashPart {
    public static let s25fl256l: FlashPart = {
        let size = 32 << 20
        let typical = FlashTimings(
            pageProgram: .microseconds(450), sectorErase4K: .milliseconds(50), blockErase32K: .milliseconds(200),
            blockErase64K: .milliseconds(270), chipErase: .seconds(70), registerWrite: .milliseconds(10))
        let maximum = FlashTimings(
            pageProgram: .microseconds(1350), sectorErase4K: .milliseconds(400), blockErase32K: .milliseconds(600),
            blockErase64K: .milliseconds(725), chipErase: .seconds(180), registerWrite: .milliseconds(200))

        var c = CommandSetBuilder()
        c.jedecCore()
        c.read(0x03, 0x13, "Read")
        c.read(0x0B, 0x0C, "Fast Read", dummy: 8, configurable: false)
        c.read(0x3B, 0x3C, "Dual Output Read", data: 2, dummy: 8, availability: .spiOnly, configurable: false)
        c.read(0xBB, 0xBC, "Dual I/O Read", address: 2, data: 2, dummy: 4, mode: 4, availability: .spiOnly, configurable: false)
        c.read(0x6B, 0x6C, "Quad Output Read", data: 4, dummy: 8, availability: .spiOnly, configurable: false)
        c.read(0xEB, 0xEC, "Quad I/O Read", address: 4, data: 4, dummy: 6, qpiDummy: 6, mode: 2, configurable: false)
        c.write(0x02, 0x12, "Page Program", .pageProgram)
        c.write(0x32, 0x34, "Quad Page Program", .pageProgram, data: 4)
        c.erases([(0x20, 0x21, 4096), (0x52, 0x53, 32768), (0xD8, 0xDC, 65536)])
        c.add(0x50, "Write Enable for Volatile Registers", .volatileStatusWriteEnable)
        c.add(0x35, "Read Configuration Register 1", .readStatusRegister(index: 1))
        c.add(0x15, "Read Configuration Register 2", .readStatusRegister(index: 2))
        c.add(0x33, "Read Configuration Register 3", .readStatusRegister(index: 3))
        c.add(0xB7, "Enter 4-Byte Address Mode", .enter4ByteAddressing)
        c.add(0xB8, "Exit 4-Byte Address Mode", .exit4ByteAddressing)
        c.add(0x38, "Enter QPI", .enterQPI, availability: .spiOnly)
        c.add(0xF5, "Exit QPI", .exitQPI, availability: .qpiOnly)
        c.add(0x75, "Erase/Program Suspend", .suspend)
        c.add(0x7A, "Erase/Program Resume", .resume)
        c.add(FlashCommand(0x4B, "Read Unique ID", .readUniqueID, dummy: 32, availability: .spiOnly))

        let traits = FlashPartTraits(
            statusRegisterNames: ["Status Register 1", "Configuration Register 1", "Configuration Register 2",
                                  "Configuration Register 3"],
            writeStatusChain: [0, 1, 2, 3], statusWritableMasks: [0xFC, 0x7A, 0x62, 0x7F],
            quadEnable: .bit(register: 1, mask: 0x02),
            addressMode: .statusBits(register: 2, current: 0x01, powerUp: 0x02),
            dummyCycleSource: .fixed,
            errorReporting: .none,
            blockProtectMasks: [0x04, 0x08, 0x10])
        let sfdp = SFDPDescription(
            size: size, typical: typical, maximum: maximum, addressBytes: .threeOrFour,
            quadEnableRequirement: 0b101, qpiEnable: 0b00001, qpiDisable: 0b0010,
            enter4Byte: FourByteEntry.b7h | FourByteEntry.dedicatedOpcodes,
            exit4Byte: FourByteExit.softwareReset | FourByteExit.powerCycle,
            manufacturer: 0x01)
        return FlashPart(
            name: "S25FL256L", jedecID: [0x01, 0x60, 0x19], productID: 0x18, size: size, pageSize: 256,
            eraseSizes: [4096, 32768, 65536],
            blockProtectSizes: [0] + (1..<8).map { min(size, (size / 64) << ($0 - 1)) },
            typicalTimings: typical, maximumTimings: maximum, sfdp: sfdp.bytes(),
            quirks: FlashQuirks(), defaultExtendedReadRegister: 0, commands: c.commands, traits: traits)
    }()
}
