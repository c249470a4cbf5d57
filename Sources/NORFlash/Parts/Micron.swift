import VirtualTime

// Micron MT25QL (3 V) and the older stacked N25Q512A, as data. Sources in docs/parts.md:
// IDs and the flag status register from Linux drivers/mtd/spi-nor/micron-st.c (USE_FSR,
// FSR_READY bit 7, E_ERR bit 5, P_ERR bit 4, PT_ERR bit 1; WREN before B7h/E9h); "status
// register bit 0 is the inverse of flag status register bit 7" and "a command applied to a
// protected subsector is not executed; the write enable latch remains set and flag status
// bits 1 and 5 are set" from the MT25Q datasheet (Rev. K, pdf.ic37.com mirror).
extension FlashPart {
    public static let mt25ql128aba = micron(name: "MT25QL128ABA", capacity: 0x18, size: 16 << 20, chipErase: (38, 114))
    public static let mt25ql256aba = micron(name: "MT25QL256ABA", capacity: 0x19, size: 32 << 20, chipErase: (76, 230))
    /// Monolithic: 05h WIP mirrors flag status bit 7, so polling either is enough.
    public static let mt25ql512abb = micron(name: "MT25QL512ABB", capacity: 0x20, size: 64 << 20, chipErase: (153, 460))
    /// Two 256 Mbit dies behind one chip select, same ID as the MT25QL512ABB: 70h must be
    /// read after each program/erase; no bulk erase, a die erase (C4h) per 32 MiB.
    public static let n25q512a = micron(name: "N25Q512A", capacity: 0x20, size: 64 << 20, chipErase: (240, 480), stacked: true)

    static func micron(name: String, capacity: UInt8, size: Int, chipErase: (Int, Int), stacked: Bool = false) -> FlashPart {
        let typical = FlashTimings(
            pageProgram: .microseconds(120), sectorErase4K: .milliseconds(50), blockErase32K: .milliseconds(100),
            blockErase64K: .milliseconds(150), chipErase: .seconds(Double(chipErase.0)), registerWrite: .microseconds(1300))
        let maximum = FlashTimings(
            pageProgram: .microseconds(1800), sectorErase4K: .milliseconds(400), blockErase32K: .milliseconds(1000),
            blockErase64K: .milliseconds(1000), chipErase: .seconds(Double(chipErase.1)), registerWrite: .milliseconds(8))

        var c = CommandSetBuilder()
        c.jedecCore()
        // Micron has no ABh device ID and no 90h; ABh only releases deep power-down.
        c.add(0xAB, "Release from Deep Power-down", .releasePowerDownReadProductID)
        c.add(0x9E, "Read ID", .readJEDECID)
        c.add(0xAF, "Multiple I/O Read ID", .readJEDECID, availability: .qpiOnly)
        // Defaults at VCR dummy = 1111: 8 clocks, quad I/O 10; the quad protocol (EVCR bit 7
        // = 0 or 35h) uses 10 for both. No mode bits unless XIP is enabled (not modeled).
        c.read(0x03, 0x13, "Read")
        c.read(0x0B, 0x0C, "Fast Read", dummy: 8, qpiDummy: 10)
        c.read(0x3B, 0x3C, "Dual Output Fast Read", data: 2, dummy: 8, availability: .spiOnly)
        c.read(0xBB, 0xBC, "Dual Input/Output Fast Read", address: 2, data: 2, dummy: 8, availability: .spiOnly)
        c.read(0x6B, 0x6C, "Quad Output Fast Read", data: 4, dummy: 8, qpiDummy: 10)
        c.read(0xEB, 0xEC, "Quad Input/Output Fast Read", address: 4, data: 4, dummy: 10, qpiDummy: 10)
        c.write(0x02, 0x12, "Page Program", .pageProgram)
        c.write(0x32, 0x34, "Quad Input Fast Program", .pageProgram, data: 4)
        c.write(0x38, 0x3E, "Quad Input Extended Fast Program", .pageProgram, address: 4, data: 4)
        c.erases([(0x20, 0x21, 4096), (0x52, 0x5C, 32768), (0xD8, 0xDC, 65536)])
        if stacked {
            c = c.without([0xC7, 0x60])
            c.add(FlashCommand(0xC4, "Die Erase", .erase(bytes: 32 << 20), addressing: .threeOrFour))
        }
        c.add(0x70, "Read Flag Status Register", .readFlagStatus)
        c.add(0x50, "Clear Flag Status Register", .clearFlagStatus)
        c.add(0x85, "Read Volatile Configuration Register", .readVolatileConfiguration)
        c.add(0x81, "Write Volatile Configuration Register", .writeVolatileConfiguration)
        c.add(0xB5, "Read Nonvolatile Configuration Register", .readNonVolatileConfiguration)
        c.add(0xB1, "Write Nonvolatile Configuration Register", .writeNonVolatileConfiguration)
        c.add(0x65, "Read Enhanced Volatile Configuration Register", .readEnhancedVolatileConfiguration)
        c.add(0x61, "Write Enhanced Volatile Configuration Register", .writeEnhancedVolatileConfiguration)
        c.add(0xB7, "Enter 4-Byte Address Mode", .enter4ByteAddressing)
        c.add(0xE9, "Exit 4-Byte Address Mode", .exit4ByteAddressing)
        c.add(0xC8, "Read Extended Address Register", .readExtendedAddress)
        c.add(0xC5, "Write Extended Address Register", .writeExtendedAddress)
        c.add(0x35, "Enter Quad Input/Output Mode", .enterQPI, availability: .spiOnly)
        c.add(0xF5, "Reset Quad Input/Output Mode", .exitQPI, availability: .qpiOnly)
        c.add(0x75, "Program/Erase Suspend", .suspend)
        c.add(0x7A, "Program/Erase Resume", .resume)

        let traits = FlashPartTraits(
            statusRegisterNames: ["Status Register"],
            writeStatusChain: [0], statusWritableMasks: [0xFC],
            quadEnable: .notRequired,
            addressMode: .micronFlagStatus,
            dummyCycleSource: .micronVolatileConfiguration,
            errorReporting: .micronFlagStatus,
            blockProtectMasks: [0x04, 0x08, 0x10, 0x40])
        let sfdp = SFDPDescription(
            size: size, typical: typical, maximum: maximum,
            addressBytes: .threeOrFour,
            eraseTypes: [(4096, 0x20), (32768, 0x52), (65536, 0xD8)],
            quadIO: (0xEB, 10, 0), quadOutput: (0x6B, 8), dualIO: (0xBB, 8, 0), dualOutput: (0x3B, 8),
            qpi: (0xEB, 10, 0),
            quadEnableRequirement: 0b000, qpiEnable: 0b00100, qpiDisable: 0b0010,
            enter4Byte: FourByteEntry.writeEnableThenB7h | FourByteEntry.extendedAddressRegister
                | FourByteEntry.nonVolatileConfiguration | FourByteEntry.dedicatedOpcodes,
            exit4Byte: FourByteExit.writeEnableThenE9h | FourByteExit.extendedAddressRegister
                | FourByteExit.nonVolatileConfiguration | FourByteExit.softwareReset | FourByteExit.powerCycle,
            busyPolling: 0b000011,
            manufacturer: 0x20)
        return FlashPart(
            name: name, jedecID: [0x20, 0xBA, capacity], productID: 0xFF, size: size, pageSize: 256,
            eraseSizes: [4096, 32768, 65536], blockProtectSizes: doublingProtection(size: size, bits: 4),
            typicalTimings: typical, maximumTimings: maximum, sfdp: sfdp.bytes(),
            quirks: FlashQuirks(fourByteModeCommandsNeedWriteEnable: true, flagStatusMustBePolled: stacked),
            defaultExtendedReadRegister: 0, commands: c.commands, traits: traits)
    }
}

extension CommandSetBuilder {
    /// The table without these opcodes (a part that lacks a shared row).
    func without(_ opcodes: [UInt8]) -> CommandSetBuilder {
        var copy = CommandSetBuilder()
        for command in commands where !opcodes.contains(command.opcode) { copy.add(command) }
        return copy
    }
}
