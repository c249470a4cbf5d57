/// A run of bytes one record of a file puts at one address, with where it came from.
///
/// Readers produce these; `SegmentAssembler` sorts and merges them and, when two records put
/// different bytes at one address, names the exact place of each conflicting byte.
public struct DataRecord: Equatable, Sendable {
    /// 64-bit so that a record that runs past 4 GiB can be detected instead of wrapping.
    public var address: UInt64
    public var bytes: [UInt8]
    /// Location of the first data byte.
    public var location: SourceLocation

    public init(address: UInt64, bytes: [UInt8], location: SourceLocation) {
        self.address = address
        self.bytes = bytes
        self.location = location
    }

    public var endAddress: UInt64 { address + UInt64(bytes.count) }

    /// Where data byte `index` sits: two hex digits per byte on a text line, one byte per file offset otherwise.
    public func location(ofByte index: Int) -> SourceLocation {
        var result = location
        if let column = location.column { result.column = column + 2 * index }
        if let offset = location.fileOffset { result.fileOffset = offset + index }
        return result
    }
}
