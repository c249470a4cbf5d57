import ELF

/// A contiguous run of bytes at an address. In a `FirmwareImage` segments are sorted by
/// address, never overlap and never touch (adjacent runs are joined).
public struct Segment: Equatable, Sendable, CustomStringConvertible {
    public var address: UInt32
    public var bytes: [UInt8]

    public init(address: UInt32, bytes: [UInt8]) {
        self.address = address
        self.bytes = bytes
    }

    /// One past the last byte, 64-bit so that a segment ending at 4 GiB is representable.
    public var endAddress: UInt64 { UInt64(address) + UInt64(bytes.count) }

    public var description: String {
        "\(hexAddress(address))..\(hex(endAddress)) (\(bytes.count) bytes)"
    }
}
