import Foundation
import Testing
import TestSupport

/// What the programmer refuses or misuses, `program` says why: the lint code first, in the text
/// and in `--json`; exit 1 for a loader that loads and misbehaves, 2 for one that cannot load.
@Suite("loaderlab program names what the programmer refuses")
struct ProgramRefusalTests {
    static func writeImage(_ records: String) throws -> String {
        let path = ProgramCommandTests.temporary("image.hex")
        try records.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// 16 bytes at 0x9000_0000 and 16 at 0x9100_0000: the second lies beyond a 4 MiB table.
    static let acrossSixteenMiB = """
        :0200000490006A
        :10000000000102030405060708090A0B0C0D0E0F78
        :02000004910069
        :10000000101112131415161718191A1B1C1D1E1F78
        :00000001FF

        """

    @Test("A sector table of 4 MiB on a 64 MiB device: sector-table-size first, exit 1, text and JSON")
    func sectorTableTooShort() throws {
        try Repository.ensureBuilt("build/broken/sector-table-4m.stldr", by: "Tests/Fixtures/BrokenLoaders/build.sh")
        let image = try Self.writeImage(Self.acrossSixteenMiB)
        let text = try ProgramCommandTests.loaderlab(["program", image, "--loader", "build/broken/sector-table-4m.stldr"])
        #expect(text.status == 1, "\(text.stdout)\(text.stderr)")
        let firstFinding = text.stdout.split(separator: "\n").first { $0.contains(": error: [") }
        #expect(firstFinding?.contains("[sector-table-size]") ?? false, "\(text.stdout)")
        let json = try ProgramCommandTests.loaderlab(["program", image, "--loader", "build/broken/sector-table-4m.stldr", "--json"])
        #expect(json.status == 1)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let findings = object?["findings"] as? [[String: Any]]
        #expect(findings?.first?["code"] as? String == "sector-table-size", "\(json.stdout)")
        #expect(object?["result"] as? String == "failed")
    }

    @Test("A loader the programmer cannot load: exit 2, and the reason named in text and JSON")
    func cannotBeLoaded() throws {
        try Repository.ensureBuilt("build/broken/storageinfo-missing.stldr", by: "Tests/Fixtures/BrokenLoaders/build.sh")
        let image = try Self.writeImage(":0200000490006A\n:10000000000102030405060708090A0B0C0D0E0F78\n:00000001FF\n")
        let text = try ProgramCommandTests.loaderlab(["program", image, "--loader", "build/broken/storageinfo-missing.stldr"])
        #expect(text.status == 2, "\(text.stdout)\(text.stderr)")
        #expect(text.stdout.contains("[storageinfo-missing]"), "\(text.stdout)")
        let json = try ProgramCommandTests.loaderlab(["program", image, "--loader", "build/broken/storageinfo-missing.stldr", "--json"])
        #expect(json.status == 2)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((object?["findings"] as? [[String: Any]])?.first?["code"] as? String == "storageinfo-missing")
    }
}
