import Testing
@testable import FirmwareImage

@Suite struct SRecordReadingTests {
    @Test func readsSixteenAndThirtyTwoBitRecordsWithCountAndStart() throws {
        let parsed = try image([
            sRecord(0, address: 0, Array("loader".utf8)),
            sRecord(1, address: 0x1000, [1, 2]),
            sRecord(2, address: 0x08_0000, [3]),
            sRecord(3, address: 0x9000_0000, ramp16),
            sRecord(3, address: 0x9000_0010, [0xEE]),
            sRecord(5, address: 4, []),
            sRecord(7, address: 0x0800_01C9, []),
        ], name: "app.s37")
        #expect(parsed.segments == [
            Segment(address: 0x1000, bytes: [1, 2]),
            Segment(address: 0x08_0000, bytes: [3]),
            Segment(address: 0x9000_0000, bytes: ramp16 + [0xEE]),
        ])
        #expect(parsed.startAddress == 0x0800_01C9)
    }

    @Test func aKnownGoodRecordFromTheSrecManualParses() throws {
        // The S1 example record from the Wikipedia "SREC (file format)" article, checksum 0x61.
        let parsed = try image(["S1137AF00A0A0D0000000000000000000000000061", "S5030001FB", "S9030000FC"], name: "man.s19")
        #expect(parsed.segments.first?.address == 0x7AF0)
        #expect(parsed.segments.first?.bytes.count == 16)
    }

    @Test func aBadChecksumIsReportedAtTheChecksumColumn() throws {
        let good = sRecord(1, address: 0x0100, [1, 2, 3])
        let bad = String(good.dropLast(2)) + "00"
        let error = try #require(imageError([bad, sRecord(9, address: 0, [])], name: "bad.s19"))
        #expect(error.location == SourceLocation(file: "bad.s19", line: 1, column: 15))
        #expect(error.message.hasPrefix("checksum is 0x00"))
    }

    @Test func aByteCountLargerThanTheLineIsReportedAsTruncated() throws {
        let line = String(sRecord(3, address: 0x9000_0000, ramp16).prefix(30))
        let error = try #require(imageError([line, sRecord(7, address: 0, [])], name: "cut.srec"))
        #expect(error.location == SourceLocation(file: "cut.srec", line: 1, column: 3))
        #expect(error.message.contains("truncated S3 record"))
    }

    @Test func aBadCharacterIsReportedAtItsColumn() throws {
        var characters = Array(sRecord(1, address: 0x0100, [1, 2, 3]))
        characters[9] = "z"
        let error = try #require(imageError([String(characters), sRecord(9, address: 0, [])], name: "x.srec"))
        #expect(error.location == SourceLocation(file: "x.srec", line: 1, column: 10))
    }

    @Test func overlappingRecordsWithDifferentDataNameBothLines() throws {
        let error = try #require(imageError([
            sRecord(3, address: 0x9000_0000, ramp16),
            sRecord(3, address: 0x9000_0002, [2, 0x55]),
            sRecord(7, address: 0, []),
        ], name: "o.srec"))
        #expect(error.location == SourceLocation(file: "o.srec", line: 2, column: 15))
        #expect(error.message.contains("o.srec:1:19"))
    }

    @Test func aWrongRecordCountIsRejected() throws {
        let error = try #require(imageError([sRecord(1, address: 0, [1]), sRecord(5, address: 3, []), sRecord(9, address: 0, [])], name: "n.srec"))
        #expect(error.location.line == 2)
    }

    @Test func aMissingTerminationRecordIsReportedAsTruncation() throws {
        let error = try #require(imageError([sRecord(1, address: 0, [1])], name: "t.srec"))
        #expect(error.location == SourceLocation(file: "t.srec", line: 2, column: 1))
    }

    @Test func reservedAndUnknownTypesAreRejected() {
        #expect(imageError(["S4030000FC", sRecord(9, address: 0, [])], name: "r.srec")?.location.column == 2)
        #expect(imageError(["SX030000FC", sRecord(9, address: 0, [])], name: "r.srec")?.location.column == 2)
    }
}
