import ELF

/// Reads Motorola S-records (`srec(5)`): `S<type><count><address><data><checksum>`, where
/// count covers address + data + checksum and the checksum is the ones' complement of the
/// low byte of the sum of count, address and data.
///
/// S0 header (checked, content ignored); S1/S2/S3 data with 16/24/32-bit addresses; S5/S6
/// record counts (verified against the data records read so far); S7/S8/S9 start address and
/// end of block. S4 is reserved. A file without S7/S8/S9 is reported as truncated.
struct SRecordReader {
    static func read(_ bytes: [UInt8], file: String) throws(FirmwareImageError) -> (records: [DataRecord], start: UInt32?) {
        var records: [DataRecord] = []
        var dataRecordCount = 0
        var start: UInt32?
        var terminationLine: Int?
        let lines = TextLine.lines(of: bytes, file: file)
        for line in lines where !line.isBlank {
            if let endLine = terminationLine {
                throw FirmwareImageError(line.location(column: 1), "record after the termination record on line \(endLine)")
            }
            // A lowercase 's', as lowercase hex digits (and Intel HEX's) are accepted.
            guard line.characters.first == UInt8(ascii: "S") || line.characters.first == UInt8(ascii: "s") else {
                throw FirmwareImageError(
                    line.location(column: 1),
                    "expected 'S' to start an S-record, found \(TextLine.describe(line.characters.first ?? 0))"
                )
            }
            guard line.characters.count >= 2 else {
                throw FirmwareImageError(line.location(column: 2), "truncated S-record: no record type after 'S'")
            }
            let typeCharacter = line.characters[line.characters.startIndex + 1]
            let addressLength: Int
            switch typeCharacter {
            case UInt8(ascii: "0"), UInt8(ascii: "1"), UInt8(ascii: "5"), UInt8(ascii: "9"): addressLength = 2
            case UInt8(ascii: "2"), UInt8(ascii: "6"), UInt8(ascii: "8"): addressLength = 3
            case UInt8(ascii: "3"), UInt8(ascii: "7"): addressLength = 4
            case UInt8(ascii: "4"):
                throw FirmwareImageError(line.location(column: 2), "S4 records are reserved and not used by any toolchain")
            default:
                throw FirmwareImageError(
                    line.location(column: 2),
                    "unknown S-record type \(TextLine.describe(typeCharacter)); expected a digit 0 to 9"
                )
            }
            let type = Int(typeCharacter - UInt8(ascii: "0"))
            let fields = try line.hexBytes(from: 3, format: "S-record")
            guard let count = fields.first else {
                throw FirmwareImageError(line.location(column: 3), "truncated S\(type) record: no byte count")
            }
            guard Int(count) == fields.count - 1 else {
                let problem = Int(count) > fields.count - 1 ? "truncated S\(type) record" : "S\(type) record longer than its byte count"
                throw FirmwareImageError(
                    line.location(column: 3),
                    "\(problem): the byte count says \(count) bytes follow, the line holds \(fields.count - 1)"
                )
            }
            guard Int(count) >= addressLength + 1 else {
                throw FirmwareImageError(
                    line.location(column: 3),
                    "S\(type) record byte count \(count) is too small for a \(addressLength)-byte address and a checksum"
                )
            }
            let expected = ~fields.dropLast().reduce(UInt8(0), &+)
            guard fields[fields.count - 1] == expected else {
                throw FirmwareImageError(
                    line.location(column: 3 + 2 * (fields.count - 1)),
                    "checksum is \(hex(fields[fields.count - 1], digits: 2)); the record's bytes need \(hex(expected, digits: 2))"
                )
            }
            let address = fields[1...addressLength].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let data = Array(fields[(1 + addressLength)..<(fields.count - 1)])
            switch type {
            case 0:
                break
            case 1, 2, 3:
                dataRecordCount += 1
                records.append(DataRecord(
                    address: address, bytes: data, location: line.location(column: 5 + 2 * addressLength)
                ))
            case 5, 6:
                guard Int(address) == dataRecordCount else {
                    throw FirmwareImageError(
                        line.location(column: 5),
                        "S\(type) record count says \(address) data records, but \(dataRecordCount) came before it"
                    )
                }
            default:  // 7, 8, 9
                start = UInt32(address)
                terminationLine = line.number
            }
        }
        guard terminationLine != nil else {
            throw FirmwareImageError(
                SourceLocation(file: file, line: (lines.last?.number ?? 0) + 1, column: 1),
                "the file ends without a termination record (S7, S8 or S9): truncated?"
            )
        }
        return (records, start)
    }
}
