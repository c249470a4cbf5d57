/// Splits a text image (S-record, Intel HEX) into numbered lines and decodes hex digit pairs,
/// reporting a bad character by its exact line and column.
struct TextLine {
    let file: String
    /// 1-based line number.
    let number: Int
    /// The line's bytes without the line terminator (`\n`, `\r\n`).
    let characters: ArraySlice<UInt8>

    var isBlank: Bool { characters.allSatisfy { $0 == 0x20 || $0 == 0x09 } }

    func location(column: Int) -> SourceLocation {
        SourceLocation(file: file, line: number, column: column)
    }

    /// The line number after the last line, for "file ends without …" errors.
    static func lines(of bytes: [UInt8], file: String) -> [TextLine] {
        // `\n`, `\r\n` and a lone `\r` (classic Mac OS, some Windows tools) all end a line.
        var result: [TextLine] = []
        var start = 0
        var number = 1
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A || byte == 0x0D {
                result.append(TextLine(file: file, number: number, characters: bytes[start..<index]))
                if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A { index += 1 }
                start = index + 1
                number += 1
            }
            index += 1
        }
        if start < bytes.count {
            result.append(TextLine(file: file, number: number, characters: bytes[start..<bytes.count]))
        }
        return result
    }

    /// Decodes the hex digit pairs from 1-based `column` to the end of the line.
    func hexBytes(from column: Int, format: String) throws(FirmwareImageError) -> [UInt8] {
        var result: [UInt8] = []
        var index = characters.startIndex + column - 1
        result.reserveCapacity(max(0, (characters.endIndex - index) / 2))
        while index < characters.endIndex {
            let high = try digit(at: index, format: format)
            guard index + 1 < characters.endIndex else {
                throw FirmwareImageError(
                    location(column: index - characters.startIndex + 1),
                    "the line ends in the middle of a byte (an odd number of hex digits): truncated \(format) record"
                )
            }
            let low = try digit(at: index + 1, format: format)
            result.append(high << 4 | low)
            index += 2
        }
        return result
    }

    private func digit(at index: Int, format: String) throws(FirmwareImageError) -> UInt8 {
        let character = characters[index]
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return character - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return character - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return character - UInt8(ascii: "a") + 10
        default:
            throw FirmwareImageError(
                location(column: index - characters.startIndex + 1),
                "unexpected character \(Self.describe(character)) in a \(format) record; expected a hex digit"
            )
        }
    }

    static func describe(_ character: UInt8) -> String {
        if character >= 0x21 && character < 0x7F { return "'\(Character(Unicode.Scalar(character)))'" }
        return "byte 0x" + String(character, radix: 16, uppercase: true)
    }
}
