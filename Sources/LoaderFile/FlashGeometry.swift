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

    /// A uniform part: 256-byte pages, 4 KiB sectors (the smallest erase the loader uses; it
    /// merges them into the part's larger erase types).
    public static func uniform(megabytes: UInt32) -> FlashGeometry {
        FlashGeometry(deviceSize: megabytes << 20, pageSize: 0x100, eraseValue: 0xFF,
                      sectors: [.init(count: megabytes << 8, size: 0x1000)])
    }

    /// IS25LP512M (3.3 V) and IS25WP512M (1.8 V): 512 Mbit, 256-byte pages, 4 KiB sectors
    /// (datasheet §1 features; the loader erases in 4 KiB units and merges to 32/64 KiB blocks).
    public static let is25xp512m = uniform(megabytes: 64)

    /// Density in MiB of the parts the lab's catalog names, from each datasheet's title (the
    /// Mbit figure in the part number / 8). All have 256-byte pages and uniform 4 KiB sectors.
    static let megabytesByPart: [String: UInt32] = [
        "IS25LP512M": 64, "IS25WP512M": 64, "IS25LP512MJ": 64, "IS25WP512MJ": 64,
        "IS25LP128F": 16, "IS25LP256D": 32,
        "W25Q32JV": 4, "W25Q64JV": 8, "W25Q128JV": 16, "W25Q256JV": 32, "W25Q512JV": 64,
        "MT25QL128ABA": 16, "MT25QL256ABA": 32, "MT25QL512ABB": 64, "N25Q512A": 64,
        "MX25L25645G": 32, "MX25L51245G": 64, "MX25LM51245G": 64,
        "S25FL256L": 32,
    ]

    /// The geometry of a flash part named as in a board file, case-insensitively.
    public static func forPart(_ name: String) -> FlashGeometry? {
        megabytesByPart[name.uppercased()].map { uniform(megabytes: $0) }
    }
}
