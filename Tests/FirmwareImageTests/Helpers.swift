@testable import FirmwareImage

/// An Intel HEX record with a correct checksum.
func hexRecord(_ type: UInt8, _ offset: UInt16, _ data: [UInt8]) -> String {
    IntelHexWriter.record(type: type, offset: offset, data: data)
}

/// An S-record with a correct byte count and checksum (`srec(5)`).
func sRecord(_ type: Int, address: UInt32, _ data: [UInt8]) -> String {
    let addressLength = [2, 2, 3, 4, 0, 2, 3, 4, 3, 2][type]
    let addressBytes = (0..<addressLength).reversed().map { UInt8(address >> (8 * UInt32($0)) & 0xFF) }
    let body = [UInt8(addressLength + data.count + 1)] + addressBytes + data
    let checksum = ~body.reduce(UInt8(0), &+)
    return "S\(type)" + (body + [checksum]).map { byte in
        let text = String(byte, radix: 16, uppercase: true)
        return text.count == 1 ? "0" + text : text
    }.joined()
}

func image(_ lines: [String], name: String) throws(FirmwareImageError) -> FirmwareImage {
    try FirmwareImage(bytes: Array((lines.joined(separator: "\n") + "\n").utf8), name: name)
}

func imageError(_ lines: [String], name: String) -> FirmwareImageError? {
    do {
        _ = try image(lines, name: name)
        return nil
    } catch {
        return error
    }
}

let ramp16: [UInt8] = (0..<16).map { UInt8($0) }
