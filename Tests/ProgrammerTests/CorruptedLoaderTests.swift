import FirmwareImage
import LoaderFile
import Testing
import VirtualTime
@testable import Programmer

/// Whatever a loader's code does, a session ends with a report: random damage to our own
/// loader's code must never crash or hang the tool (issue #5).
@Suite("Corrupted loader code")
struct CorruptedLoaderTests {
    static var options: SessionOptions {
        var o = SessionOptions()
        o.maxInstructionsPerCall = 5_000_000
        o.hostSecondsPerCall = 10
        o.timeouts.initialize = .seconds(1)
        o.timeouts.write = .seconds(1)
        o.timeouts.sectorErase = .seconds(2)
        o.diagnoseUninitializedRAM = false
        return o
    }

    /// Overwrites 32 bytes of the code segment at a seeded position with seeded noise.
    static func corrupted(_ loader: LoaderFile, seed: UInt64) throws -> LoaderFile {
        var bytes = loader.elf.bytes
        guard let code = loader.loadSegments.first(where: \.isDownloaded) else { return loader }
        let noise = Fixtures.pseudoRandom(count: 40, seed: seed)
        let span = Int(code.fileSize) - 64
        let start = Int(code.fileOffset) + 8 + Int(UInt32(noise[0]) << 8 | UInt32(noise[1])) % max(1, span)
        for i in 0..<32 where start + i < bytes.count { bytes[start + i] = noise[8 + i] }
        return try LoaderFile(bytes: bytes, name: loader.name)
    }

    @Test("Each damaged copy ends with a report that names an outcome", arguments: Array(UInt64(1)...24))
    func damagedCodeEndsWithAReport(seed: UInt64) throws {
        let loader = try Self.corrupted(Fixtures.ourLoader(), seed: seed)
        let report = try ProgrammerSession(loader: loader, image: Fixtures.image([(0x9000_0000, 0x400)], seed: seed),
                                           imageName: "small.hex", options: Self.options).run()
        #expect(report.result == "ok" || !report.findings.isEmpty || report.failure != nil,
                "seed \(seed): a failed session must say why\n\(report.text())")
        #expect(!report.calls.isEmpty)
    }
}
