/// Writes Intel HEX as objcopy does: an extended linear address record (04) whenever the upper
/// 16 address bits change, data records that never cross a 64 KiB boundary, a start linear
/// address record (05) when the image has a start address, and the end-of-file record.
public enum IntelHexWriter {
    public static func encode(_ image: FirmwareImage, bytesPerRecord: Int = 16) -> String {
        let width = min(255, max(1, bytesPerRecord))
        var lines: [String] = []
        var upper: UInt32?
        for segment in image.segments {
            var index = 0
            while index < segment.bytes.count {
                let address = segment.address &+ UInt32(index)
                if upper != address >> 16 {
                    upper = address >> 16
                    lines.append(record(type: 0x04, offset: 0, data: [UInt8(address >> 24), UInt8(address >> 16 & 0xFF)]))
                }
                let toBoundary = 0x1_0000 - Int(address & 0xFFFF)
                let count = min(width, segment.bytes.count - index, toBoundary)
                lines.append(record(type: 0x00, offset: UInt16(address & 0xFFFF), data: Array(segment.bytes[index..<(index + count)])))
                index += count
            }
        }
        if let start = image.startAddress {
            lines.append(record(type: 0x05, offset: 0, data: [UInt8(start >> 24), UInt8(start >> 16 & 0xFF), UInt8(start >> 8 & 0xFF), UInt8(start & 0xFF)]))
        }
        lines.append(record(type: 0x01, offset: 0, data: []))
        return lines.joined(separator: "\n") + "\n"
    }

    static func record(type: UInt8, offset: UInt16, data: [UInt8]) -> String {
        let fields = [UInt8(data.count), UInt8(offset >> 8), UInt8(offset & 0xFF), type] + data
        let checksum = 0 &- fields.reduce(UInt8(0), &+)
        var text = ":"
        text.reserveCapacity(1 + 2 * (fields.count + 1))
        for byte in fields + [checksum] {
            text += hexDigits[Int(byte >> 4)] + hexDigits[Int(byte & 0xF)]
        }
        return text
    }

    private static let hexDigits = (0..<16).map { String($0, radix: 16, uppercase: true) }
}
