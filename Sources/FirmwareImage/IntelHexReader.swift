import ELF

/// Reads Intel HEX (Intel "Hexadecimal Object File Format Specification" rev. A):
/// `:LLAAAATT<data>CC`, record types 00 data, 01 end of file, 02 extended segment address,
/// 03 start segment address, 04 extended linear address, 05 start linear address.
///
/// Strict: every checksum and byte count is verified, records after 01 are refused, and a file
/// without 01 is reported as truncated.
struct IntelHexReader {
    private enum Mode {
        /// Type 02: address = base + ((offset + i) mod 64 KiB), the 8086 segment wrap.
        case segment(UInt64)
        /// Type 04 (and the default, base 0): address = base + offset + i, no wrap.
        case linear(UInt64)
    }

    static func read(_ bytes: [UInt8], file: String) throws(FirmwareImageError) -> (records: [DataRecord], start: UInt32?) {
        var records: [DataRecord] = []
        var start: UInt32?
        var mode = Mode.linear(0)
        var endOfFile: Int?
        let lines = TextLine.lines(of: bytes, file: file)
        for line in lines where !line.isBlank {
            if let endLine = endOfFile {
                throw FirmwareImageError(line.location(column: 1), "record after the end-of-file record on line \(endLine)")
            }
            guard line.characters.first == UInt8(ascii: ":") else {
                throw FirmwareImageError(
                    line.location(column: 1),
                    "expected ':' to start an Intel HEX record, found \(TextLine.describe(line.characters.first ?? 0))"
                )
            }
            let fields = try line.hexBytes(from: 2, format: "Intel HEX")
            guard fields.count >= 5 else {
                throw FirmwareImageError(
                    line.location(column: line.characters.count + 1),
                    "truncated record: \(fields.count) bytes, but a record needs at least 5 (count, address, type, checksum)"
                )
            }
            let count = Int(fields[0])
            guard fields.count == count + 5 else {
                let problem = fields.count < count + 5 ? "truncated record" : "record longer than its byte count"
                throw FirmwareImageError(
                    line.location(column: 2),
                    "\(problem): the byte count says \(count) data bytes, the line holds \(fields.count - 5)"
                )
            }
            let sum = fields.dropLast().reduce(UInt8(0), &+)
            let expected = 0 &- sum
            guard fields[fields.count - 1] == expected else {
                throw FirmwareImageError(
                    line.location(column: 2 + 2 * (fields.count - 1)),
                    "checksum is \(hex(fields[fields.count - 1], digits: 2)); the record's bytes need \(hex(expected, digits: 2))"
                )
            }
            let offset = UInt64(fields[1]) << 8 | UInt64(fields[2])
            let data = Array(fields[4..<(4 + count)])
            let type = fields[3]
            func requireCount(_ wanted: Int, _ name: String) throws(FirmwareImageError) {
                guard count == wanted else {
                    throw FirmwareImageError(line.location(column: 2), "\(name) record (type \(hex(type, digits: 2))) must hold \(wanted) data bytes, not \(count)")
                }
            }
            switch type {
            case 0x00:
                let location = line.location(column: 10)
                switch mode {
                case .linear(let base):
                    records.append(DataRecord(address: base + offset, bytes: data, location: location))
                case .segment(let base):
                    // Split where the 16-bit offset wraps.
                    let first = min(data.count, Int(0x1_0000 - offset))
                    records.append(DataRecord(address: base + offset, bytes: Array(data[..<first]), location: location))
                    if first < data.count {
                        var wrapped = location
                        wrapped.column = 10 + 2 * first
                        records.append(DataRecord(address: base, bytes: Array(data[first...]), location: wrapped))
                    }
                }
            case 0x01:
                try requireCount(0, "end-of-file")
                endOfFile = line.number
            case 0x02:
                try requireCount(2, "extended segment address")
                mode = .segment((UInt64(data[0]) << 8 | UInt64(data[1])) << 4)
            case 0x03:
                try requireCount(4, "start segment address")
                let segment = UInt32(data[0]) << 8 | UInt32(data[1])
                let pointer = UInt32(data[2]) << 8 | UInt32(data[3])
                start = segment << 4 + pointer
            case 0x04:
                try requireCount(2, "extended linear address")
                mode = .linear((UInt64(data[0]) << 8 | UInt64(data[1])) << 16)
            case 0x05:
                try requireCount(4, "start linear address")
                start = UInt32(data[0]) << 24 | UInt32(data[1]) << 16 | UInt32(data[2]) << 8 | UInt32(data[3])
            default:
                throw FirmwareImageError(
                    line.location(column: 8),
                    "unknown record type \(hex(type, digits: 2)); Intel HEX defines 00 to 05"
                )
            }
        }
        guard endOfFile != nil else {
            throw FirmwareImageError(
                SourceLocation(file: file, line: (lines.last?.number ?? 0) + 1, column: 1),
                "the file ends without an end-of-file record (:00000001FF): truncated?"
            )
        }
        return (records, start)
    }
}
