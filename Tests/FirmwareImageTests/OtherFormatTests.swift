import ELF
import Testing
@testable import FirmwareImage

@Suite struct OtherFormatTests {
    @Test func aRawBinaryIsPlacedAtItsBaseAddress() throws {
        let parsed = try FirmwareImage(bytes: ramp16, name: "blob.bin", baseAddress: 0x9000_0000)
        #expect(parsed.segments == [Segment(address: 0x9000_0000, bytes: ramp16)])
    }

    @Test func aRawBinaryWithoutABaseAddressIsRejected() {
        #expect(throws: FirmwareImageError.self) { try FirmwareImage(bytes: ramp16, name: "blob.bin") }
    }

    @Test func anELFIsPlacedAtItsLoadAddressesWithoutBss() throws {
        var builder = ELFBuilder()
        builder.entry = 0x0800_0009
        let text = builder.addSection(".text", flags: Section.flagAlloc | Section.flagExecute, address: 0x0800_0000, bytes: ramp16)
        let data = builder.addSection(".data", flags: Section.flagAlloc | Section.flagWrite, address: 0x2000_0000, bytes: [0xD1, 0xD2, 0xD3, 0xD4])
        let bss = builder.addNoBitsSection(".bss", address: 0x2000_0004, size: 64)
        builder.addSegment(flags: 5, sections: [text])
        builder.addSegment(flags: 6, sections: [data, bss], physicalAddress: 0x0800_0010)
        let parsed = try FirmwareImage(bytes: builder.build(), name: "app.elf")
        #expect(parsed.segments == [Segment(address: 0x0800_0000, bytes: ramp16 + [0xD1, 0xD2, 0xD3, 0xD4])])
        #expect(parsed.startAddress == 0x0800_0009)
    }

    @Test func aDamagedELFReportsTheFileOffset() throws {
        var bytes = ELFBuilder().build()
        bytes[4] = 2
        do {
            _ = try FirmwareImage(bytes: bytes, name: "bad.elf")
            Issue.record("expected an error")
        } catch {
            #expect(error.location == SourceLocation(file: "bad.elf", fileOffset: 4))
        }
    }

    @Test func formatIsDetectedByContentBeforeExtension() {
        #expect(ImageFormat.detect(bytes: Array(":10000000".utf8), name: "a.txt") == .intelHex)
        #expect(ImageFormat.detect(bytes: Array("S00600004844521B".utf8), name: "a.hex") == .srec)
        #expect(ImageFormat.detect(bytes: [0x7F, 0x45, 0x4C, 0x46, 1], name: "a.hex") == .elf)
        #expect(ImageFormat.detect(bytes: Array(":1000".utf8), name: "a.bin") == .binary)
        #expect(ImageFormat.detect(bytes: [0, 1, 2], name: "a.S19") == .srec)
        #expect(ImageFormat.detect(bytes: [0, 1, 2], name: "noextension") == nil)
    }

    @Test func anUnknownFormatIsAnError() {
        #expect(throws: FirmwareImageError.self) { try FirmwareImage(bytes: [0, 1, 2], name: "mystery") }
    }
}

@Suite struct SampleImageTests {
    @Test func hasAnInternalAndAnExternalSegmentOfTheRequestedSizes() {
        let sample = SampleImage.make(seed: 7)
        #expect(sample.segments.map(\.address) == [0x0800_0000, 0x9000_0000])
        #expect(sample.segments.map(\.bytes.count) == [16 * 1024, 786_432])
        #expect(sample.byte(at: 0x0800_0000) == 0x00 && sample.byte(at: 0x0800_0003) == 0x20)  // MSP 0x200C_0000
    }

    @Test func isDeterministicForASeedAndDiffersAcrossSeeds() {
        let a = SampleImage.make(seed: 42, externalSize: 4096)
        #expect(a == SampleImage.make(seed: 42, externalSize: 4096))
        #expect(a != SampleImage.make(seed: 43, externalSize: 4096))
        #expect(Set(a.segments[1].bytes).count > 200)  // looks random, not a fill pattern
    }

    @Test func survivesAnIntelHexRoundTrip() throws {
        let sample = SampleImage.make(seed: 3, externalSize: 70_000)
        let reread = try FirmwareImage(bytes: Array(IntelHexWriter.encode(sample).utf8), name: "sample.hex")
        #expect(reread == sample)
    }
}
