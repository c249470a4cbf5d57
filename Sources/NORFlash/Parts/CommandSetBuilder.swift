/// Builds a part's instruction table from the rows JEDEC parts share, so each vendor file
/// lists only what its datasheet says differently.
struct CommandSetBuilder {
    private(set) var commands: [FlashCommand] = []

    mutating func add(_ command: FlashCommand) {
        commands.removeAll { $0.opcode == command.opcode }
        commands.append(command)
    }

    mutating func add(_ opcode: UInt8, _ name: String, _ operation: FlashOperation,
                      addressing: FlashAddressing = .none, availability: FlashModeAvailability = .spiAndQPI) {
        add(FlashCommand(opcode, name, operation, addressing: addressing, availability: availability))
    }

    /// A read with its 3-/4-byte opcode and, when the part has one, its dedicated 4-byte opcode.
    mutating func read(
        _ op3: UInt8, _ op4: UInt8?, _ name: String, address: Int = 1, data: Int = 1, dummy: Int = 0,
        qpiDummy: Int? = nil, mode: Int = 0, availability: FlashModeAvailability = .spiAndQPI,
        configurable: Bool? = nil, table: [Int] = []
    ) {
        let rows: [(UInt8, FlashAddressing, String)] = [(op3, .threeOrFour, "")] + (op4.map { [($0, .four, " 4B")] } ?? [])
        for (op, addressing, suffix) in rows {
            add(FlashCommand(op, name + suffix, .read, addressing: addressing, addressLines: address, dataLines: data,
                             dummy: dummy, qpiDummy: qpiDummy, dummyFromReadRegister: configurable ?? (dummy > 0),
                             modeBitClocks: mode, availability: availability, dummyBySetting: table))
        }
    }

    /// Program or erase with its 3-/4-byte opcode and optional dedicated 4-byte opcode.
    mutating func write(_ op3: UInt8?, _ op4: UInt8?, _ name: String, _ operation: FlashOperation,
                        address: Int = 1, data: Int = 1) {
        if let op3 {
            add(FlashCommand(op3, name, operation, addressing: .threeOrFour, addressLines: address, dataLines: data))
        }
        if let op4 {
            add(FlashCommand(op4, name + " 4B", operation, addressing: .four, addressLines: address, dataLines: data))
        }
    }

    /// Rows every catalog part has: WREN/WRDI, RDSR/WRSR, RDID, SFDP, reset, power-down, chip erase.
    mutating func jedecCore(sfdpDummy: Int = 8) {
        add(0x06, "Write Enable", .writeEnable)
        add(0x04, "Write Disable", .writeDisable)
        add(0x05, "Read Status Register", .readStatus)
        add(0x01, "Write Status Register", .writeStatus)
        add(0x9F, "Read JEDEC ID", .readJEDECID)
        add(FlashCommand(0x5A, "Read SFDP", .readSFDP, addressing: .three, dummy: sfdpDummy))
        add(0x66, "Reset Enable", .resetEnable)
        add(0x99, "Reset", .reset)
        add(0xB9, "Deep Power-down", .deepPowerDown)
        add(0xAB, "Release Deep Power-down / Read Device ID", .releasePowerDownReadProductID)
        add(0x90, "Read Manufacturer & Device ID", .readManufacturerDeviceID, addressing: .three)
        add(0xC7, "Chip Erase", .chipErase)
        add(0x60, "Chip Erase", .chipErase)
    }

    /// 0x4000 → 4 KiB, ...: erase rows.
    mutating func erases(_ rows: [(op3: UInt8?, op4: UInt8?, bytes: Int)]) {
        for row in rows {
            let name: String
            switch row.bytes {
            case 4096: name = "Sector Erase 4K"
            case 32768: name = "Block Erase 32K"
            default: name = "Block Erase 64K"
            }
            write(row.op3, row.op4, name, .erase(bytes: row.bytes))
        }
    }
}

extension FlashPart {
    /// BP n protects 64 KiB << (n - 1) from the top, all from the first value that reaches
    /// the size (4 BP bits: Micron, Winbond 256/512, Macronix) [MEM: ratio tables per part].
    static func doublingProtection(size: Int, bits: Int, unit: Int = 65536) -> [Int] {
        [0] + (1..<(1 << bits)).map { min(size, unit << ($0 - 1)) }
    }

    /// The parts after the ISSI 512M family, in datasheet order of the issue.
    static var catalog: [FlashPart] {
        [.is25lp128f, .is25lp256d,
         .w25q32jv, .w25q64jv, .w25q128jv, .w25q256jv, .w25q512jv,
         .mt25ql128aba, .mt25ql256aba, .mt25ql512abb, .n25q512a,
         .mx25l25645g, .mx25l51245g, .mx25lm51245g,
         .s25fl256l]
    }
}
