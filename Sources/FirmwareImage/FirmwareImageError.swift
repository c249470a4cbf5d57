/// Why an image file could not be read: `image.hex:12:43: checksum is 0x3C; the record's bytes sum to 0x3D`.
public struct FirmwareImageError: Error, Equatable, Sendable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String

    public init(_ location: SourceLocation, _ message: String) {
        self.location = location
        self.message = message
    }

    public var description: String { "\(location): \(message)" }
}
