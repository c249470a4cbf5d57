/// What StorageInfo says about the flash part: size, page, erase value and sector table.
public struct FlashGeometry: Equatable, Sendable {
    public var deviceSize: UInt32
    public var pageSize: UInt32
    public var eraseValue: UInt8
    public var sectors: [StorageInfo.Sectors]

    public init(deviceSize: UInt32, pageSize: UInt32, eraseValue: UInt8, sectors: [StorageInfo.Sectors]) {
        self.deviceSize = deviceSize
        self.pageSize = pageSize
        self.eraseValue = eraseValue
        self.sectors = sectors
    }

    /// IS25LP512M (3.3 V) and IS25WP512M (1.8 V): 512 Mbit, 256-byte pages, 4 KiB sectors
    /// (datasheet §1 features; the loader erases in 4 KiB units and merges to 32/64 KiB blocks).
    public static let is25xp512m = FlashGeometry(
        deviceSize: 64 << 20, pageSize: 0x100, eraseValue: 0xFF,
        sectors: [.init(count: 16384, size: 0x1000)]
    )

    /// The geometry of a flash part named as in a board file, case-insensitively.
    public static func forPart(_ name: String) -> FlashGeometry? {
        switch name.uppercased() {
        case "IS25LP512M", "IS25WP512M": .is25xp512m
        default: nil
        }
    }
}
