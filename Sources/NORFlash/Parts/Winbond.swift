import VirtualTime

// Winbond W25Q..JV (3 V, SPI/dual/quad/QPI): W25Q32JV .. W25Q512JV, as data.
// Sources in docs/parts.md: JEDEC IDs from Linux drivers/mtd/spi-nor/winbond.c; QE in SR2
// bit 1 written by 31h or a 2-byte 01h (Linux QER 100b, Zephyr PR #101035); SR3 ADS/ADP
// and the extended address register on the 256/512 Mbit parts.
extension FlashPart {
    public static let w25q32jv = winbondJV(name: "W25Q32JV", capacity: 0x16, size: 4 << 20, chipErase: (10, 50))
    public static let w25q64jv = winbondJV(name: "W25Q64JV", capacity: 0x17, size: 8 << 20, chipErase: (20, 100))
    public static let w25q128jv = winbondJV(name: "W25Q128JV", capacity: 0x18, size: 16 << 20, chipErase: (40, 200))
    public static let w25q256jv = winbondJV(name: "W25Q256JV", capacity: 0x19, size: 32 << 20, chipErase: (80, 400))
    public static let w25q512jv = winbondJV(name: "W25Q512JV", capacity: 0x20, size: 64 << 20, chipErase: (160, 800))

    /// - Parameter chipErase: typical and maximum tCE in seconds [MEM].
    static func winbondJV(name: String, capacity: UInt8, size: Int, chipErase: (Int, Int)) -> FlashPart {
        let large = size > 16 << 20
        let typical = FlashTimings(
            pageProgram: .microseconds(400), sectorErase4K: .milliseconds(45), blockErase32K: .milliseconds(120),
            blockErase64K: .milliseconds(150), chipErase: .seconds(Double(chipErase.0)), registerWrite: .milliseconds(10))
        let maximum = FlashTimings(
            pageProgram: .milliseconds(3), sectorErase4K: .milliseconds(400), blockErase32K: .milliseconds(1600),
            blockErase64K: .milliseconds(2000), chipErase: .seconds(Double(chipErase.1)), registerWrite: .milliseconds(15))

        var c = CommandSetBuilder()
        c.jedecCore()
        let four: (UInt8) -> UInt8? = { large ? $0 : nil }
        c.read(0x03, four(0x13), "Read Data")
        // QPI: 0Bh/EBh wait 2 clocks at Set Read Parameters P5:P4 = 00 (C0h is not modeled).
        c.read(0x0B, four(0x0C), "Fast Read", dummy: 8, qpiDummy: 2)
        c.read(0x3B, four(0x3C), "Fast Read Dual Output", data: 2, dummy: 8, availability: .spiOnly)
        c.read(0xBB, four(0xBC), "Fast Read Dual I/O", address: 2, data: 2, dummy: 4, mode: 4, availability: .spiOnly)
        c.read(0x6B, four(0x6C), "Fast Read Quad Output", data: 4, dummy: 8, availability: .spiOnly)
        c.read(0xEB, four(0xEC), "Fast Read Quad I/O", address: 4, data: 4, dummy: 6, qpiDummy: 2, mode: 2)
        c.write(0x02, four(0x12), "Page Program", .pageProgram)
        c.write(0x32, four(0x34), "Quad Input Page Program", .pageProgram, data: 4)
        c.erases([(0x20, four(0x21), 4096), (0x52, nil, 32768), (0xD8, four(0xDC), 65536)])
        c.add(0x50, "Volatile SR Write Enable", .volatileStatusWriteEnable)
        c.add(0x35, "Read Status Register-2", .readStatusRegister(index: 1))
        c.add(0x15, "Read Status Register-3", .readStatusRegister(index: 2))
        c.add(0x31, "Write Status Register-2", .writeStatusRegister(index: 1))
        c.add(0x11, "Write Status Register-3", .writeStatusRegister(index: 2))
        c.add(0x38, "Enter QPI Mode", .enterQPI, availability: .spiOnly)
        c.add(0xFF, "Exit QPI Mode", .exitQPI, availability: .qpiOnly)
        c.add(FlashCommand(0x4B, "Read Unique ID", .readUniqueID, dummy: 32, availability: .spiOnly))
        c.add(0x75, "Erase/Program Suspend", .suspend)
        c.add(0x7A, "Erase/Program Resume", .resume)
        if large {
            c.add(0xB7, "Enter 4-Byte Address Mode", .enter4ByteAddressing)
            c.add(0xE9, "Exit 4-Byte Address Mode", .exit4ByteAddressing)
            c.add(0xC8, "Read Extended Address Register", .readExtendedAddress)
            c.add(0xC5, "Write Extended Address Register", .writeExtendedAddress)
        }

        let traits = FlashPartTraits(
            statusRegisterNames: ["Status Register-1", "Status Register-2", "Status Register-3"],
            // JV: a one-byte 01h writes SR1 only; a second byte goes to SR2 (SR2 bit 7 SUS is read-only).
            writeStatusChain: [0, 1],
            statusWritableMasks: [0xFC, 0x7B, large ? 0x66 : 0x64],
            quadEnable: .bit(register: 1, mask: 0x02),
            addressMode: large ? .statusBits(register: 2, current: 0x01, powerUp: 0x02) : .threeByteOnly,
            dummyCycleSource: .fixed,
            errorReporting: .none,
            blockProtectMasks: large ? [0x04, 0x08, 0x10, 0x20] : [0x04, 0x08, 0x10])
        let protection = large
            ? doublingProtection(size: size, bits: 4)
            : [0] + (1..<8).map { min(size, (size / 64) << ($0 - 1)) }
        let sfdp = SFDPDescription(
            size: size, typical: typical, maximum: maximum,
            addressBytes: large ? .threeOrFour : .threeOnly,
            quadIO: (0xEB, 4, 2), qpi: (0xEB, 0, 2),
            quadEnableRequirement: 0b100, qpiEnable: 0b00001, qpiDisable: 0b1001,
            enter4Byte: large ? FourByteEntry.b7h | FourByteEntry.extendedAddressRegister | FourByteEntry.dedicatedOpcodes : 0,
            exit4Byte: large ? FourByteExit.e9h | FourByteExit.extendedAddressRegister | FourByteExit.softwareReset | FourByteExit.powerCycle : 0,
            manufacturer: 0xEF)
        return FlashPart(
            name: name, jedecID: [0xEF, 0x40, capacity], productID: capacity - 1, size: size, pageSize: 256,
            eraseSizes: [4096, 32768, 65536], blockProtectSizes: protection,
            typicalTimings: typical, maximumTimings: maximum, sfdp: sfdp.bytes(),
            quirks: FlashQuirks(qpiNeedsQuadEnable: true), defaultExtendedReadRegister: 0,
            commands: c.commands, traits: traits)
    }
}
