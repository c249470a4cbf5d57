/// `StorageInfo.DeviceType` values from ST's `Dev_Inf.h` (cubeprogrammer-loader.md §1.2).
public enum DeviceType: UInt16, CaseIterable, Sendable {
    case mcuFlash = 1
    case nandFlash = 2
    case norFlash = 3
    case sram = 4
    case psram = 5
    case pcCard = 6
    case spiFlash = 7
    case i2cFlash = 8
    case sdram = 9
    case i2cEEPROM = 10

    /// The name as `Dev_Inf.h` spells it.
    public var headerName: String {
        switch self {
        case .mcuFlash: "MCU_FLASH"
        case .nandFlash: "NAND_FLASH"
        case .norFlash: "NOR_FLASH"
        case .sram: "SRAM"
        case .psram: "PSRAM"
        case .pcCard: "PC_CARD"
        case .spiFlash: "SPI_FLASH"
        case .i2cFlash: "I2C_FLASH"
        case .sdram: "SDRAM"
        case .i2cEEPROM: "I2C_EEPROM"
        }
    }

    /// Whether the memory must be erased before it is written, so the loader needs `SectorErase`.
    public var needsErase: Bool {
        switch self {
        case .mcuFlash, .nandFlash, .norFlash, .spiFlash, .i2cFlash: true
        case .sram, .psram, .pcCard, .sdram, .i2cEEPROM: false
        }
    }
}
