import VirtualTime

// ISSI IS25LP512M (3.0 V) / IS25WP512M (1.8 V) and their MG/MJ variants: 512 Mbit, as data.
// Reference: /work/shared/reference/is25lp512m.md §A.1–§A.6. Rows marked [MEM] there stay
// unconfirmed here too; see `IS25LP512MSFDP.swift` for the SFDP choices.
extension FlashPart {
    public static let is25lp512m = issi512M(name: "IS25LP512M", id: [0x9D, 0x60, 0x1A])
    public static let is25wp512m = issi512M(name: "IS25WP512M", id: [0x9D, 0x70, 0x1A])
    /// The newer G/MJ die answers 9D 60 20 (Zephyr PR #117496, reference §A.1); same behaviour.
    public static let is25lp512mj = issi512M(name: "IS25LP512MJ", id: [0x9D, 0x60, 0x20])
    public static let is25wp512mj = issi512M(name: "IS25WP512MJ", id: [0x9D, 0x70, 0x20])

    /// IS25LP128F (16 MiB, 9D 60 18) and IS25LP256D (32 MiB, 9D 60 19): the same ISSI
    /// command set, registers and SFDP layout as the 512M (the IS25LP128F crate covers the
    /// F/D/M generation); sizes, device IDs and chip-erase times differ [MEM: tCE].
    public static let is25lp128f = issi512M(name: "IS25LP128F", id: [0x9D, 0x60, 0x18], size: 16 << 20,
                                            productID: 0x17, chipErase: (.seconds(35), .seconds(90)))
    public static let is25lp256d = issi512M(name: "IS25LP256D", id: [0x9D, 0x60, 0x19], size: 32 << 20,
                                            productID: 0x18, chipErase: (.seconds(70), .seconds(180)))

    static func issi512M(
        name: String, id: [UInt8], size: Int = 64 << 20, productID: UInt8 = 0x19,
        chipErase: (DeviceTime, DeviceTime) = (.seconds(100), .seconds(270))
    ) -> FlashPart {
        let typical = FlashTimings(
            pageProgram: .microseconds(200),
            sectorErase4K: .milliseconds(70),
            blockErase32K: .milliseconds(140),
            blockErase64K: .milliseconds(170),
            chipErase: chipErase.0,
            registerWrite: .milliseconds(2))
        let maximum = FlashTimings(
            pageProgram: .microseconds(800),
            sectorErase4K: .milliseconds(300),
            blockErase32K: .milliseconds(500),
            blockErase64K: .milliseconds(1000),
            chipErase: chipErase.1,
            registerWrite: .milliseconds(15))
        let quirks = FlashQuirks(sfdpAdvertisesThreeByteAddressOnly: true)
        return FlashPart(
            name: name, jedecID: id,
            // ABh/90h device ID: 0x17 on the 128 Mbit, 0x18 on the 256 Mbit parts; 0x19 on the 512 [MEM].
            productID: productID,
            size: size, pageSize: 256,
            eraseSizes: [4096, 32768, 65536],
            // BP3..BP0: 0001..1010 protect 64 KiB doubling to 32 MiB; 1011..1110 protect all
            // but the other end's 16/8/4/2 MiB; 1111 everything (ufprog vendor-issi.c,
            // is25xp512mj_wpr_4bp_tbs0/1) [SRC-2].
            blockProtectSizes: size == 64 << 20
                ? [0] + (0..<10).map { 65536 << $0 } + [48 << 20, 56 << 20, 60 << 20, 62 << 20, 64 << 20]
                : doublingProtection(size: size, bits: 4),
            typicalTimings: typical, maximumTimings: maximum,
            sfdp: IS25LP512MSFDP.table(size: size, typical: typical, maximum: maximum, quirks: quirks),
            quirks: quirks,
            defaultExtendedReadRegister: 0xE0,
            commands: issi512MCommands)
    }

    /// Reference §A.3. Dummy defaults are for DC3..DC0 = 0000 (§A.4, [MEM]); EBh's 6 include
    /// the 2 mode-bit clocks, BBh's 4 are all mode-bit clocks.
    static let issi512MCommands: [FlashCommand] = {
        var c: [FlashCommand] = []
        func reads(_ op3: UInt8, _ op4: UInt8, _ name: String, address: Int, data: Int, dummy: Int,
                   qpiDummy: Int? = nil, mode: Int = 0, availability: FlashModeAvailability = .spiAndQPI) {
            for (op, addressing, suffix) in [(op3, FlashAddressing.threeOrFour, ""), (op4, .four, " 4B")] {
                c.append(FlashCommand(op, name + suffix, .read, addressing: addressing, addressLines: address,
                                      dataLines: data, dummy: dummy, qpiDummy: qpiDummy, dummyFromReadRegister: dummy > 0,
                                      modeBitClocks: mode, availability: availability))
            }
        }
        reads(0x03, 0x13, "Read", address: 1, data: 1, dummy: 0)
        reads(0x0B, 0x0C, "Fast Read", address: 1, data: 1, dummy: 8, qpiDummy: 6)
        reads(0x3B, 0x3C, "Fast Read Dual Output", address: 1, data: 2, dummy: 8, availability: .spiOnly)
        reads(0xBB, 0xBC, "Fast Read Dual I/O", address: 2, data: 2, dummy: 4, mode: 4, availability: .spiOnly)
        reads(0x6B, 0x6C, "Fast Read Quad Output", address: 1, data: 4, dummy: 8)
        reads(0xEB, 0xEC, "Fast Read Quad I/O", address: 4, data: 4, dummy: 6, qpiDummy: 6, mode: 2)

        c.append(FlashCommand(0x02, "Page Program", .pageProgram, addressing: .threeOrFour))
        c.append(FlashCommand(0x12, "Page Program 4B", .pageProgram, addressing: .four))
        // Quad Input Page Program: address on IO0, data on 4 lines (1-1-4) [SRC-2 F crate, S header].
        c.append(FlashCommand(0x32, "Quad Input Page Program", .pageProgram, addressing: .threeOrFour, dataLines: 4))
        c.append(FlashCommand(0x38, "Quad Input Page Program", .pageProgram, addressing: .threeOrFour, dataLines: 4))
        c.append(FlashCommand(0x34, "Quad Input Page Program 4B", .pageProgram, addressing: .four, dataLines: 4))
        c.append(FlashCommand(0x3E, "Quad Input Page Program 4B", .pageProgram, addressing: .four, dataLines: 4))

        c.append(FlashCommand(0xD7, "Sector Erase 4K", .erase(bytes: 4096), addressing: .threeOrFour))
        c.append(FlashCommand(0x20, "Sector Erase 4K", .erase(bytes: 4096), addressing: .threeOrFour))
        c.append(FlashCommand(0x21, "Sector Erase 4K 4B", .erase(bytes: 4096), addressing: .four))
        c.append(FlashCommand(0x52, "Block Erase 32K", .erase(bytes: 32768), addressing: .threeOrFour))
        c.append(FlashCommand(0x5C, "Block Erase 32K 4B", .erase(bytes: 32768), addressing: .four))
        c.append(FlashCommand(0xD8, "Block Erase 64K", .erase(bytes: 65536), addressing: .threeOrFour))
        c.append(FlashCommand(0xDC, "Block Erase 64K 4B", .erase(bytes: 65536), addressing: .four))
        c.append(FlashCommand(0xC7, "Chip Erase", .chipErase))
        c.append(FlashCommand(0x60, "Chip Erase", .chipErase))

        c.append(FlashCommand(0x06, "Write Enable", .writeEnable))
        c.append(FlashCommand(0x04, "Write Disable", .writeDisable))
        c.append(FlashCommand(0x05, "Read Status Register", .readStatus))
        c.append(FlashCommand(0x01, "Write Status Register", .writeStatus))
        c.append(FlashCommand(0x48, "Read Function Register", .readFunction))
        c.append(FlashCommand(0x42, "Write Function Register", .writeFunction))
        c.append(FlashCommand(0xC0, "Set Read Parameters (volatile)", .writeReadParameters(volatile: true)))
        c.append(FlashCommand(0x63, "Set Read Parameters (volatile)", .writeReadParameters(volatile: true)))
        c.append(FlashCommand(0x65, "Set Read Parameters (non-volatile)", .writeReadParameters(volatile: false)))
        c.append(FlashCommand(0x61, "Read Read Parameters", .readReadParameters))
        c.append(FlashCommand(0x83, "Set Extended Read Parameters (volatile)", .writeExtendedReadParameters(volatile: true)))
        c.append(FlashCommand(0x85, "Set Extended Read Parameters (non-volatile)", .writeExtendedReadParameters(volatile: false)))
        c.append(FlashCommand(0x81, "Read Extended Read Parameters", .readExtendedReadParameters))
        c.append(FlashCommand(0x82, "Clear Extended Read Register", .clearExtendedReadParameters))
        c.append(FlashCommand(0x16, "Read Bank Address Register", .readBankAddress))
        c.append(FlashCommand(0xC8, "Read Bank Address Register", .readBankAddress))
        c.append(FlashCommand(0x17, "Write Bank Address Register (volatile)", .writeBankAddress(volatile: true, needsWriteEnable: false)))
        c.append(FlashCommand(0xC5, "Write Bank Address Register (volatile, WREN)", .writeBankAddress(volatile: true, needsWriteEnable: true)))
        c.append(FlashCommand(0x18, "Write Bank Address Register (non-volatile)", .writeBankAddress(volatile: false, needsWriteEnable: true)))
        c.append(FlashCommand(0xB7, "Enter 4-byte Address Mode", .enter4ByteAddressing))
        c.append(FlashCommand(0x29, "Exit 4-byte Address Mode", .exit4ByteAddressing))
        c.append(FlashCommand(0x35, "Enter QPI", .enterQPI, availability: .spiOnly))
        c.append(FlashCommand(0xF5, "Exit QPI", .exitQPI, availability: .qpiOnly))
        c.append(FlashCommand(0x66, "Reset Enable", .resetEnable))
        c.append(FlashCommand(0x99, "Reset", .reset))
        c.append(FlashCommand(0x9F, "Read JEDEC ID", .readJEDECID, availability: .spiOnly))
        c.append(FlashCommand(0xAF, "Read JEDEC ID QPI", .readJEDECID, availability: .qpiOnly))
        c.append(FlashCommand(0xAB, "Release Deep Power-down / Read Product ID", .releasePowerDownReadProductID))
        c.append(FlashCommand(0x90, "Read Manufacturer & Device ID", .readManufacturerDeviceID, addressing: .three))
        c.append(FlashCommand(0x5A, "Read SFDP", .readSFDP, addressing: .three, dummy: 8))
        c.append(FlashCommand(0x4B, "Read Unique ID", .readUniqueID, addressing: .three, dummy: 8))
        c.append(FlashCommand(0x75, "Suspend", .suspend))
        c.append(FlashCommand(0xB0, "Suspend", .suspend))
        c.append(FlashCommand(0x7A, "Resume", .resume))
        c.append(FlashCommand(0x30, "Resume", .resume))
        c.append(FlashCommand(0xB9, "Deep Power-down", .deepPowerDown))
        return c
    }()
}
