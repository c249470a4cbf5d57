import VirtualTime

// Macronix MX25LM51245G (3 V, 512 Mbit, octal: SPI, STR OPI, DTR OPI), as data.
// Source: ST's BSP component mx25lm51245g.h/.c (STM32CubeU5 Drivers/BSP/Components),
// written from the datasheet and run on ST's U5/L5/H7 boards: SPI opcodes, the 8-8-8
// opcodes (first byte the SPI opcode, second its inverse: EC13h, EE11h, 12EDh, 05FAh, ...),
// CR2 at 0x0000_0000 SOPI bit 0 / DOPI bit 1, at 0x0000_0300 DC2..DC0 (000 = 20 clocks,
// then 18, 16, ..., 111 = 6), register reads in OPI with a 4-byte address and 4 (STR) / 5
// (DTR) dummy clocks, DTR reads with DQS, maximum times (bulk 460 s, 64K 1 s, 4K 400 ms,
// register 40 ms). ID C2 85 3A from Linux macronix.c ("mx25lm51245g").
extension FlashPart {
    public static let mx25lm51245g: FlashPart = {
        let size = 64 << 20
        let typical = FlashTimings(
            pageProgram: .microseconds(150), sectorErase4K: .milliseconds(25), blockErase32K: .milliseconds(150),
            blockErase64K: .milliseconds(220), chipErase: .seconds(150), registerWrite: .milliseconds(10))
        // Maximum: the larger of ST's BSP timeouts and Macronix's driver table (tPP 1.5 ms,
        // tSE 120 ms, tBE 650 ms, tCE 300 s, tW 40 ms).
        let maximum = FlashTimings(
            pageProgram: .microseconds(1500), sectorErase4K: .milliseconds(400), blockErase32K: .milliseconds(1000),
            blockErase64K: .milliseconds(1000), chipErase: .seconds(460), registerWrite: .milliseconds(40))

        var spi = CommandSetBuilder()
        spi.jedecCore()
        spi.read(0x03, 0x13, "Read")
        spi.read(0x0B, 0x0C, "Fast Read", dummy: 8, configurable: false)
        spi.write(0x02, 0x12, "Page Program", .pageProgram)
        spi.erases([(0x20, 0x21, 4096), (0xD8, 0xDC, 65536)])
        spi.add(0x15, "Read Configuration Register", .readStatusRegister(index: 1))
        spi.add(0x71, "Read Configuration Register 2", .readConfiguration2, addressing: .four)
        spi.add(0x72, "Write Configuration Register 2", .writeConfiguration2, addressing: .four)
        spi.add(0x2B, "Read Security Register", .readSecurityRegister)
        spi.add(0xB7, "Enter 4-Byte Mode", .enter4ByteAddressing)
        spi.add(0xE9, "Exit 4-Byte Mode", .exit4ByteAddressing)
        spi.add(0xB0, "Program/Erase Suspend", .suspend)
        spi.add(0x30, "Program/Erase Resume", .resume)
        spi = spi.without([0x90])

        // 8-8-8: every address is 4 bytes on 8 lines; reads take CR2's dummy count.
        let dummyTable = [20, 18, 16, 14, 12, 10, 8, 6]
        var opi = CommandSetBuilder()
        func register(_ op: UInt8, _ name: String, _ operation: FlashOperation) {
            opi.add(FlashCommand(op, name, operation, addressing: .four, addressLines: 8, dataLines: 8, dummy: 4, dtrDummy: 5))
        }
        func plain(_ op: UInt8, _ name: String, _ operation: FlashOperation, addressing: FlashAddressing = .none) {
            opi.add(FlashCommand(op, name, operation, addressing: addressing, addressLines: 8, dataLines: 8))
        }
        opi.add(FlashCommand(0xEC, "Octa Read", .read, addressing: .four, addressLines: 8, dataLines: 8, dummy: 20,
                             dummyFromReadRegister: true, availability: .octalSTROnly, dummyBySetting: dummyTable))
        opi.add(FlashCommand(0xEE, "Octa DTR Read", .read, addressing: .four, addressLines: 8, dataLines: 8, dummy: 20,
                             dummyFromReadRegister: true, availability: .octalDTROnly, dummyBySetting: dummyTable))
        plain(0x12, "Octa Page Program", .pageProgram, addressing: .four)
        plain(0x21, "Octa Sector Erase 4K", .erase(bytes: 4096), addressing: .four)
        plain(0xDC, "Octa Block Erase 64K", .erase(bytes: 65536), addressing: .four)
        plain(0x60, "Octa Chip Erase", .chipErase)
        plain(0xC7, "Octa Chip Erase", .chipErase)
        plain(0x06, "Octa Write Enable", .writeEnable)
        plain(0x04, "Octa Write Disable", .writeDisable)
        register(0x05, "Octa Read Status Register", .readStatus)
        register(0x15, "Octa Read Configuration Register", .readStatusRegister(index: 1))
        register(0x71, "Octa Read Configuration Register 2", .readConfiguration2)
        register(0x2B, "Octa Read Security Register", .readSecurityRegister)
        register(0x9F, "Octa Read Identification", .readJEDECID)
        plain(0x01, "Octa Write Status Register", .writeStatus, addressing: .four)
        plain(0x72, "Octa Write Configuration Register 2", .writeConfiguration2, addressing: .four)
        opi.add(FlashCommand(0x5A, "Octa Read SFDP", .readSFDP, addressing: .four, addressLines: 8, dataLines: 8, dummy: 20))
        plain(0x66, "Octa Reset Enable", .resetEnable)
        plain(0x99, "Octa Reset", .reset)
        plain(0xB9, "Octa Deep Power-down", .deepPowerDown)
        plain(0xB0, "Octa Program/Erase Suspend", .suspend)
        plain(0x30, "Octa Program/Erase Resume", .resume)

        let traits = FlashPartTraits(
            statusRegisterNames: ["Status Register", "Configuration Register"],
            writeStatusChain: [0, 1], statusWritableMasks: [0xBC, 0x1F],
            quadEnable: .notRequired,
            addressMode: .macronixConfiguration,
            dummyCycleSource: .octalConfiguration2,
            errorReporting: .macronixSecurityRegister,
            octal: true,
            blockProtectMasks: [0x04, 0x08, 0x10, 0x20])
        let sfdp = SFDPDescription(
            size: size, typical: typical, maximum: maximum, addressBytes: .threeOrFour,
            eraseTypes: [(4096, 0x20), (65536, 0xD8)],
            quadIO: nil, quadOutput: nil, dualIO: nil, dualOutput: nil, qpi: nil,
            quadEnableRequirement: 0b000, qpiEnable: 0, qpiDisable: 0,
            enter4Byte: FourByteEntry.b7h | FourByteEntry.dedicatedOpcodes,
            exit4Byte: FourByteExit.e9h | FourByteExit.softwareReset | FourByteExit.powerCycle,
            suspendOpcodes: (0xB0, 0x30), manufacturer: 0xC2)
        return FlashPart(
            name: "MX25LM51245G", jedecID: [0xC2, 0x85, 0x3A], productID: 0x39, size: size, pageSize: 256,
            eraseSizes: [4096, 65536], blockProtectSizes: doublingProtection(size: size, bits: 4),
            typicalTimings: typical, maximumTimings: maximum, sfdp: sfdp.bytes(),
            quirks: FlashQuirks(), defaultExtendedReadRegister: 0, commands: spi.commands, traits: traits,
            octalCommands: opi.commands)
    }()
}
