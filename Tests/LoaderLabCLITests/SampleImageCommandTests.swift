import FirmwareImage
import Foundation
import Testing
@testable import LoaderLabCLI

@Suite struct SampleImageCommandTests {
    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("loaderlab-\(UUID().uuidString)-\(name)").path
    }

    @Test func writesAnIntelHexFileWithBothSegments() throws {
        let path = Self.temporaryPath("sample.hex")
        try SampleImageCommand.parse(["--output", path, "--seed", "9", "--external-size", "0x1000"]).run()
        let image = try FirmwareImage(path: path)
        #expect(image.segments.map(\.address) == [0x0800_0000, 0x9000_0000])
        #expect(image.segments.map(\.bytes.count) == [16 * 1024, 0x1000])
        #expect(image == SampleImage.make(seed: 9, externalSize: 0x1000))
    }

    @Test func theSameSeedWritesTheSameFile() throws {
        let a = Self.temporaryPath("a.hex")
        let b = Self.temporaryPath("b.hex")
        try SampleImageCommand.parse(["--output", a, "--external-size", "4K"]).run()
        try SampleImageCommand.parse(["--output", b, "--external-size", "4096"]).run()
        #expect(try Data(contentsOf: URL(fileURLWithPath: a)) == Data(contentsOf: URL(fileURLWithPath: b)))
    }

    @Test func defaultsToSevenHundredSixtyEightKiBExternal() throws {
        let command = try SampleImageCommand.parse(["--output", "x.hex"])
        #expect(command.externalSize.value == 786_432)
        #expect(command.internalSize.value == 16_384)
        #expect(command.seed == 1)
    }

    @Test func rejectsAnExternalSizeLargerThanTheFlash() {
        #expect(throws: (any Error).self) { try SampleImageCommand.parse(["--output", "x.hex", "--external-size", "65M"]) }
        #expect(throws: (any Error).self) { try SampleImageCommand.parse(["--output", "x.hex", "--external-size", "lots"]) }
    }
}
