import FirmwareImage
import Testing

/// Issue 13's small items: classic Mac line ends and lowercase S-records.
@Suite("Line ends and letter case")
struct LineEndingAndCaseTests {
    static let hexLines = [":04000000DEADBEEFC4", ":00000001FF"]

    @Test(arguments: ["\r", "\n", "\r\n"])
    func intelHexReadsAnyLineEnd(_ end: String) throws {
        let image = try FirmwareImage(bytes: Array((Self.hexLines.joined(separator: end) + end).utf8), name: "a.hex")
        #expect(image.segments.map(\.bytes) == [[0xDE, 0xAD, 0xBE, 0xEF]])
    }

    @Test func aCROnlyFileReportsTheRightLine() throws {
        let text = ":04000000DEADBEEFC4\r:04000400DEADBEEFC0\r:0400080xDEADBEEFC4\r"
        #expect {
            _ = try FirmwareImage(bytes: Array(text.utf8), name: "cr.hex")
        } throws: { error in
            "\(error)".hasPrefix("cr.hex:3:")
        }
    }

    @Test func lowercaseSRecordsReadLikeUppercase() throws {
        let upper = "S1070000DEADBEEFC0\nS9030000FC\n"
        let lower = upper.lowercased()
        let a = try FirmwareImage(bytes: Array(upper.utf8), name: "u.srec")
        let b = try FirmwareImage(bytes: Array(lower.utf8), name: "l.srec")
        #expect(a.segments == b.segments && a.segments.first?.bytes == [0xDE, 0xAD, 0xBE, 0xEF])
        // Detected by content too, not only by the extension.
        let c = try FirmwareImage(bytes: Array(lower.utf8), name: "l.txt")
        #expect(c.segments == a.segments)
    }
}
