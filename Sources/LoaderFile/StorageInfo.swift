import ELF

/// The 200-byte device descriptor every loader exports as the global object `StorageInfo`
/// (cubeprogrammer-loader.md §1.2, ST `Dev_Inf.h`). Natural AAPCS layout, little-endian:
///
/// ```
/// 0x00 DeviceName[100]  0x64 DeviceType u16  0x66 pad[2]  0x68 DeviceStartAddress  0x6C DeviceSize
/// 0x70 PageSize  0x74 EraseValue u8  0x75 pad[3]  0x78 sectors[10] {SectorNum u32, SectorSize u32}
/// ```
///
/// Every byte is kept, padding included, so that `encoded()` reproduces the decoded bytes
/// exactly and `make-loader` can patch one field without disturbing the rest.
public struct StorageInfo: Equatable, Sendable {
    public static let size = 200
    public static let deviceNameCapacity = 100
    public static let sectorSlots = 10

    /// One `{SectorNum, SectorSize}` entry of the sector table; `{0, 0}` ends the table.
    public struct Sectors: Equatable, Sendable {
        public var count: UInt32
        public var size: UInt32

        public init(count: UInt32, size: UInt32) {
            self.count = count
            self.size = size
        }

        public var isTerminator: Bool { count == 0 && size == 0 }
        public var totalBytes: UInt64 { UInt64(count) * UInt64(size) }
    }

    /// The raw 100-byte `DeviceName` field.
    public var deviceNameField: [UInt8]
    public var deviceType: UInt16
    /// The two bytes at 0x66 the compiler inserts to align `DeviceStartAddress`.
    public var paddingAfterDeviceType: [UInt8]
    public var deviceStartAddress: UInt32
    public var deviceSize: UInt32
    public var pageSize: UInt32
    public var eraseValue: UInt8
    /// The three bytes at 0x75 that align the sector table.
    public var paddingAfterEraseValue: [UInt8]
    /// All ten slots as stored, the `{0,0}` terminator and anything after it included.
    public var sectors: [Sectors]

    public init(
        deviceName: String, deviceType: UInt16, deviceStartAddress: UInt32, deviceSize: UInt32,
        pageSize: UInt32, eraseValue: UInt8 = 0xFF, sectors: [Sectors]
    ) {
        self.deviceNameField = Self.nameField(deviceName)
        self.deviceType = deviceType
        self.paddingAfterDeviceType = [0, 0]
        self.deviceStartAddress = deviceStartAddress
        self.deviceSize = deviceSize
        self.pageSize = pageSize
        self.eraseValue = eraseValue
        self.paddingAfterEraseValue = [0, 0, 0]
        let used = Array(sectors.prefix(Self.sectorSlots))
        self.sectors = used + Array(repeating: Sectors(count: 0, size: 0), count: Self.sectorSlots - used.count)
    }

    /// Decodes exactly 200 bytes.
    public init(decoding bytes: [UInt8]) throws(StorageInfoError) {
        guard bytes.count == Self.size else { throw StorageInfoError(byteCount: bytes.count) }
        self.init(unchecked: bytes)
    }

    /// Decodes a block of another size the way CubeProgrammer before 2.12 would have read it:
    /// missing bytes read as zero, extra bytes are ignored. Used to show what a mis-sized
    /// StorageInfo contains; the lint still reports its size.
    public init(decodingPartial bytes: [UInt8]) {
        let padded = Array(bytes.prefix(Self.size)) + Array(repeating: 0, count: max(0, Self.size - bytes.count))
        self.init(unchecked: padded)
    }

    private init(unchecked b: [UInt8]) {
        func u32(_ o: Int) -> UInt32 {
            UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
        }
        deviceNameField = Array(b[0..<0x64])
        deviceType = UInt16(b[0x64]) | UInt16(b[0x65]) << 8
        paddingAfterDeviceType = Array(b[0x66..<0x68])
        deviceStartAddress = u32(0x68)
        deviceSize = u32(0x6C)
        pageSize = u32(0x70)
        eraseValue = b[0x74]
        paddingAfterEraseValue = Array(b[0x75..<0x78])
        sectors = (0..<Self.sectorSlots).map { Sectors(count: u32(0x78 + 8 * $0), size: u32(0x7C + 8 * $0)) }
    }

    /// The 200 bytes, ready to patch into a loader at `LoaderFile.storageInfoFileOffset`.
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(Self.size)
        func u32(_ v: UInt32) { out += [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] }
        out += Self.fixed(deviceNameField, count: Self.deviceNameCapacity)
        out += [UInt8(deviceType & 0xFF), UInt8(deviceType >> 8)]
        out += Self.fixed(paddingAfterDeviceType, count: 2)
        u32(deviceStartAddress)
        u32(deviceSize)
        u32(pageSize)
        out.append(eraseValue)
        out += Self.fixed(paddingAfterEraseValue, count: 3)
        for slot in 0..<Self.sectorSlots {
            let entry = slot < sectors.count ? sectors[slot] : Sectors(count: 0, size: 0)
            u32(entry.count)
            u32(entry.size)
        }
        return out
    }

    // MARK: Derived views

    /// The name up to the first NUL (the whole field when it has none), as the host reads it.
    public var deviceName: String {
        get {
            let end = deviceNameField.firstIndex(of: 0) ?? deviceNameField.count
            return String(decoding: deviceNameField[..<end], as: UTF8.self)
        }
        set { deviceNameField = Self.nameField(newValue) }
    }

    /// Whether `DeviceName` has a NUL within its 100 bytes (a C string reader stops there).
    public var isDeviceNameTerminated: Bool { deviceNameField.contains(0) }

    public var knownDeviceType: DeviceType? { DeviceType(rawValue: deviceType) }

    /// The entries before the `{0,0}` terminator (all ten when there is none).
    public var usedSectors: [Sectors] {
        Array(sectors.prefix { !$0.isTerminator })
    }

    public var hasSectorTerminator: Bool { sectors.contains { $0.isTerminator } }

    /// Σ count × size over the used entries, saturating at `UInt64.max` (ten entries of
    /// 0xFFFF_FFFF × 0xFFFF_FFFF would overflow 64 bits).
    public var sectorTableTotal: UInt64 {
        usedSectors.reduce(UInt64(0)) { total, entry in
            let (sum, overflow) = total.addingReportingOverflow(entry.totalBytes)
            return overflow ? .max : sum
        }
    }

    public var hasNonzeroPadding: Bool {
        (paddingAfterDeviceType + paddingAfterEraseValue).contains { $0 != 0 }
    }

    // MARK: Helpers

    /// A 100-byte field: the name's UTF-8 bytes, cut to 99 so a NUL always follows, zero-filled.
    private static func nameField(_ name: String) -> [UInt8] {
        let bytes = Array(name.utf8.prefix(deviceNameCapacity - 1))
        return bytes + Array(repeating: 0, count: deviceNameCapacity - bytes.count)
    }

    private static func fixed(_ bytes: [UInt8], count: Int) -> [UInt8] {
        Array(bytes.prefix(count)) + Array(repeating: 0, count: max(0, count - bytes.count))
    }
}

/// A StorageInfo block that is not 200 bytes.
public struct StorageInfoError: Error, Equatable, Sendable, CustomStringConvertible {
    public var byteCount: Int

    public var description: String {
        "StorageInfo is \(byteCount) bytes; CubeProgrammer 2.12 and later require \(StorageInfo.size)"
    }
}
