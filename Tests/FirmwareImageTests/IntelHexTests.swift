import Testing
@testable import FirmwareImage

@Suite struct IntelHexReadingTests {
    @Test func adjacentRecordsMergeIntoOneSegmentAndDistantOnesStaySeparate() throws {
        let parsed = try image([
            hexRecord(0x04, 0, [0x08, 0x00]),
            hexRecord(0x00, 0x0010, Array(ramp16[8...])),  // out of order on purpose
            hexRecord(0x00, 0x0000, ramp16),
            hexRecord(0x00, 0x0008, Array(ramp16[8...])),  // overlaps with identical bytes
            hexRecord(0x04, 0, [0x90, 0x00]),
            hexRecord(0x00, 0x0100, [0xAA, 0xBB]),
            hexRecord(0x05, 0, [0x08, 0x00, 0x01, 0xC9]),
            hexRecord(0x01, 0, []),
        ], name: "app.hex")
        #expect(parsed.segments == [
            Segment(address: 0x0800_0000, bytes: ramp16 + Array(ramp16[8...])),
            Segment(address: 0x9000_0100, bytes: [0xAA, 0xBB]),
        ])
        #expect(parsed.startAddress == 0x0800_01C9)
        #expect(parsed.byte(at: 0x0800_0017) == 15)
        #expect(parsed.byte(at: 0x0800_0018) == nil)
        #expect(parsed.byteCount == 26)
    }

    @Test func extendedSegmentAddressesWrapWithinSixtyFourKilobytes() throws {
        let parsed = try image([
            hexRecord(0x02, 0, [0x10, 0x00]),  // base 0x10000
            hexRecord(0x00, 0xFFFE, [1, 2, 3, 4]),
            hexRecord(0x01, 0, []),
        ], name: "seg.hex")
        #expect(parsed.segments == [
            Segment(address: 0x1_0000, bytes: [3, 4]),
            Segment(address: 0x1_FFFE, bytes: [1, 2]),
        ])
    }

    @Test func aBadChecksumIsReportedAtTheChecksumColumn() throws {
        var line = hexRecord(0x00, 0x0000, [1, 2, 3, 4])
        line = String(line.dropLast(2)) + "00"
        let error = try #require(imageError([hexRecord(0x04, 0, [0x08, 0]), line, hexRecord(1, 0, [])], name: "bad.hex"))
        #expect(error.location == SourceLocation(file: "bad.hex", line: 2, column: 18))
        #expect(error.description.hasPrefix("bad.hex:2:18: checksum is 0x00"))
    }

    @Test func aTruncatedLineIsReported() throws {
        let line = String(hexRecord(0x00, 0, ramp16).prefix(21))  // 10 of 21 bytes
        let error = try #require(imageError([line, hexRecord(1, 0, [])], name: "cut.hex"))
        #expect(error.location.line == 1)
        #expect(error.message.contains("truncated record"))
    }

    @Test func anOddDigitCountIsReportedAsTruncated() throws {
        let line = String(hexRecord(0x00, 0, ramp16).dropLast())
        let error = try #require(imageError([line, hexRecord(1, 0, [])], name: "cut.hex"))
        #expect(error.location.line == 1)
        #expect(error.message.contains("odd number of hex digits"))
    }

    @Test func aBadCharacterIsReportedAtItsColumn() throws {
        var characters = Array(hexRecord(0x00, 0, ramp16))
        characters[13] = "G"
        let error = try #require(imageError([hexRecord(1, 0, [])].dropLast() + [String(characters), hexRecord(1, 0, [])], name: "x.hex"))
        #expect(error.location == SourceLocation(file: "x.hex", line: 1, column: 14))
        #expect(error.message.contains("'G'"))
    }

    @Test func aLineNotStartingWithAColonIsRejected() throws {
        let error = try #require(imageError([hexRecord(4, 0, [0, 0]), "10000000", hexRecord(1, 0, [])], name: "x.hex"))
        #expect(error.location == SourceLocation(file: "x.hex", line: 2, column: 1))
    }

    @Test func overlappingRecordsWithDifferentDataNameBothLines() throws {
        let error = try #require(imageError([
            hexRecord(0x00, 0x0000, ramp16),
            hexRecord(0x00, 0x0004, [4, 5, 0xEE]),
            hexRecord(0x01, 0, []),
        ], name: "clash.hex"))
        // Third data byte of line 2 (column 10 + 2*2) conflicts with byte 6 of line 1 (column 10 + 2*6).
        #expect(error.location == SourceLocation(file: "clash.hex", line: 2, column: 14))
        #expect(error.message.contains("clash.hex:1:22"))
        #expect(error.message.contains("0x0000_0006"))
    }

    @Test func overlapsBetweenTwoFilesNameBothFiles() throws {
        let boot = Array((hexRecord(0, 0x0000, ramp16) + "\n" + hexRecord(1, 0, []) + "\n").utf8)
        let app = Array((hexRecord(0, 0x000F, [0x99]) + "\n" + hexRecord(1, 0, []) + "\n").utf8)
        #expect(throws: FirmwareImageError.self) {
            try FirmwareImage(inputs: [.init(name: "boot.hex", bytes: boot), .init(name: "app.hex", bytes: app)])
        }
        do {
            _ = try FirmwareImage(inputs: [.init(name: "boot.hex", bytes: boot), .init(name: "app.hex", bytes: app)])
        } catch {
            #expect(error.location.file == "app.hex")
            #expect(error.message.contains("boot.hex:1:40"))
        }
    }

    @Test func aMissingEndOfFileRecordIsReportedAsTruncation() throws {
        let error = try #require(imageError([hexRecord(0, 0, ramp16)], name: "short.hex"))
        #expect(error.location == SourceLocation(file: "short.hex", line: 2, column: 1))
        #expect(error.message.contains("end-of-file record"))
    }

    @Test func recordsAfterTheEndOfFileAreRejected() throws {
        let error = try #require(imageError([hexRecord(1, 0, []), hexRecord(0, 0, ramp16)], name: "x.hex"))
        #expect(error.location.line == 2)
    }

    @Test func unknownRecordTypesAndWrongLengthsAreRejected() throws {
        #expect(try #require(imageError([hexRecord(0x06, 0, []), hexRecord(1, 0, [])], name: "t.hex")).location.column == 8)
        #expect(try #require(imageError([hexRecord(0x04, 0, [1]), hexRecord(1, 0, [])], name: "t.hex")).message.contains("must hold 2"))
    }

    @Test func dataPastFourGigabytesIsRejected() throws {
        let error = try #require(imageError([hexRecord(4, 0, [0xFF, 0xFF]), hexRecord(0, 0xFFF8, ramp16), hexRecord(1, 0, [])], name: "top.hex"))
        #expect(error.message.contains("32-bit address space"))
    }

    @Test func crlfLineEndingsAndLowercaseDigitsAreAccepted() throws {
        let text = (hexRecord(0, 0x20, [0xAB]).lowercased() + "\r\n" + hexRecord(1, 0, []) + "\r\n")
        let parsed = try FirmwareImage(bytes: Array(text.utf8), name: "dos.hex")
        #expect(parsed.segments == [Segment(address: 0x20, bytes: [0xAB])])
    }
}

@Suite struct IntelHexWritingTests {
    @Test func writtenHexReadsBackToTheSameSegments() throws {
        let original = FirmwareImage(segments: [
            Segment(address: 0x0800_0000, bytes: (0..<100).map { UInt8($0) }),
            Segment(address: 0x9000_FFF0, bytes: (0..<40).map { UInt8(255 - $0) }),  // crosses 64 KiB
        ], startAddress: 0x0800_0101)
        let text = IntelHexWriter.encode(original)
        let reread = try FirmwareImage(bytes: Array(text.utf8), name: "round.hex")
        #expect(reread == original)
    }

    @Test func recordsNeverCrossASixtyFourKilobyteBoundary() {
        let text = IntelHexWriter.encode(FirmwareImage(segments: [Segment(address: 0x9000_FFF8, bytes: ramp16)]))
        #expect(text == """
        :0200000490006A
        :08FFF8000001020304050607E5
        :02000004900169
        :0800000008090A0B0C0D0E0F9C
        :00000001FF

        """)
    }
}
