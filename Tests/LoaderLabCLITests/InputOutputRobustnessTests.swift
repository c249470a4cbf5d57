import Foundation
import Testing
import TestSupport

/// Issue 13: output paths never destroyed, errors a person can act on, and the small items.
@Suite("Robustness: output paths and actionable errors")
struct InputOutputRobustnessTests {
    typealias R = RobustnessTests

    static func directory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("loaderlab-io-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func fileType(_ path: String) -> FileAttributeType? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
    }

    // MARK: Row 3: --trace and other outputs

    @Test func aTraceThroughASymbolicLinkIsWrittenToItsTargetAndTheLinkStays() throws {
        let dir = try Self.directory()
        let target = dir + "/trace.txt"
        try Data("old".utf8).write(to: URL(fileURLWithPath: target))
        let link = dir + "/link"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let r = try R.capped(["program", R.smallImage(), "--loader", R.loader(HostileLoader()), "--trace", link], kib: R.sessionCap)
        #expect(!r.signalled && (r.status == 0 || r.status == 1), "\(r.stderr)")
        #expect(Self.fileType(link) == .typeSymbolicLink, "the link is still a link")
        let written = try String(contentsOfFile: target, encoding: .utf8)
        #expect(written.hasPrefix("[") && written.contains("pc=0x"), "the trace went to the link's target: \(written.prefix(200))")
        R.expectResidentPeakBelowOneGiB(r)
    }

    @Test func aFIFOOrADirectoryAsTraceIsRefusedBeforeTheSession() throws {
        let dir = try Self.directory()
        let fifo = dir + "/fifo"
        #expect(mkfifo(fifo, 0o644) == 0)
        let loader = try R.loader(HostileLoader())
        let image = try R.smallImage()
        var r = try R.capped(["program", image, "--loader", loader, "--trace", fifo])
        R.expectRefusal(r, status: 2, naming: "is a FIFO")
        #expect(Self.fileType(fifo) == .typeUnknown || Self.fileType(fifo) == nil || Self.fileType(fifo) != .typeRegular, "the FIFO is still there")
        var info = stat()
        #expect(lstat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
        #expect(r.stdout.isEmpty, "refused before the session ran: \(r.stdout.prefix(300))")

        r = try R.capped(["program", image, "--loader", loader, "--trace", dir])
        R.expectRefusal(r, status: 2, naming: "is a directory")
        #expect(r.stdout.isEmpty)
        r = try R.capped(["program", image, "--loader", loader, "--trace", "/nonexistent-dir/trace.txt"])
        R.expectRefusal(r, status: 2, naming: "no such file or directory")
    }

    @Test func aCharacterDeviceIsNeverReplaced() throws {
        // /dev/null is the one device node every machine has and any user may open.
        let r = try R.capped(["sample-image", "--output", "/dev/null"])
        R.expectRefusal(r, status: 2, naming: "is a character device")
        #expect(Self.fileType("/dev/null") == .typeCharacterSpecial)
        let loader = try R.capped(["make-loader", "--board", "Boards/stm32u5g7-is25lp512m.json", "--output", "/dev/null"])
        R.expectRefusal(loader, status: 2, naming: "is a character device")
        #expect(Self.fileType("/dev/null") == .typeCharacterSpecial)
    }

    @Test func makeLoaderAndSampleImageFollowASymbolicLink() throws {
        let dir = try Self.directory()
        let target = dir + "/real.hex"
        try Data().write(to: URL(fileURLWithPath: target))
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.hex", withDestinationPath: target)
        let r = try R.capped(["sample-image", "--output", dir + "/link.hex", "--external-size", "256", "--internal-size", "0"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Self.fileType(dir + "/link.hex") == .typeSymbolicLink)
        #expect(try String(contentsOfFile: target, encoding: .utf8).hasPrefix(":"))
    }

    // MARK: Row 10: --json with bad input

    @Test func badInputWithJSONPrintsAJSONObject() throws {
        let r = try R.capped(["program", "/nonexistent/image.hex", "--loader", R.loader(HostileLoader()), "--json"])
        #expect(r.status == 2)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "stdout: \(r.stdout)")
        #expect(object["result"] as? String == "bad-input")
        #expect(object["file"] as? String == "/nonexistent/image.hex")
        #expect((object["error"] as? String)?.contains("no such file") == true)
        #expect(r.stderr.contains("/nonexistent/image.hex"), "and the stderr line")

        let dir = try Self.directory()
        let hex = dir + "/broken.hex"
        try Data(":10000000000102030405060708090A0B0C0D0E0F78\n:0400000512345678E3\n:zz\n".utf8).write(to: URL(fileURLWithPath: hex))
        let broken = try R.capped(["program", hex, "--loader", R.loader(HostileLoader()), "--json"])
        let o = try #require(try JSONSerialization.jsonObject(with: Data(broken.stdout.utf8)) as? [String: Any], "stdout: \(broken.stdout)")
        #expect((o["location"] as? String)?.hasPrefix("line 3") == true, "\(o)")
    }

    // MARK: Row 11: OS errors as plain reasons

    @Test func operatingSystemErrorsArePlainReasons() throws {
        let image = try R.smallImage()
        var r = try R.capped(["program", image, "--loader", "/tmp"])
        R.expectRefusal(r, status: 2, naming: "is a directory")
        r = try R.capped(["program", "/dev/zero", "--loader", R.loader(HostileLoader())])
        R.expectRefusal(r, status: 2, naming: "is a character device")
        r = try R.capped(["inspect", "/nonexistent.stldr"])
        R.expectRefusal(r, status: 2, naming: "no such file or directory")
        for run in [r] { #expect(!run.stderr.contains("NSCocoaErrorDomain") && !run.stderr.contains("error 256")) }
        if getuid() != 0 {
            let dir = try Self.directory()
            let locked = dir + "/locked.stldr"
            try Data([0x7F]).write(to: URL(fileURLWithPath: locked))
            chmod(locked, 0)
            R.expectRefusal(try R.capped(["inspect", locked]), status: 2, naming: "permission denied")
        }
    }

    // MARK: Row 7 and the board items: field and reason, line and column, unknown and duplicate keys

    static let goodBoard = try! String(contentsOfFile: Repository.path("Boards/stm32u5g7-is25lp512m.json"), encoding: .utf8)

    @Test(arguments: [
        ("\"sysclkHz\": 160000000", "\"sysclkHz\": -160000000", "clock.sysclkHz: -160000000 is below 4000000"),
        ("\"sysclkHz\": 160000000", "\"sysclkHz\": 1e308", "clock.sysclkHz: 1e308 is not a whole number"),
        ("\"pin\": \"PA2\",  \"af\": 10", "\"pin\": \"PA2\",  \"af\": 10.5", "pins.ncs.af: 10.5 is not a whole number"),
        ("\"schema\": 1", "\"schema\": 1.5", "schema: 1.5 is not a whole number"),
        ("\"schema\": 1,", "\"schema\": 1, \"colour\": \"red\",", "colour: unknown key"),
        ("\"schema\": 1,", "\"schema\": 1, \"name\": \"twice\",", "name: appears twice"),
        ("\"octospi\": {", "\"octospi\": { \"instance\": 1, \"instanse\": 1,", "octospi.instanse: unknown key"),
    ])
    func boardFilesNameTheFieldAndTheReason(_ find: String, _ replace: String, _ message: String) throws {
        #expect(Self.goodBoard.contains(find), "fixture text \(find)")
        let dir = try Self.directory()
        let path = dir + "/board.json"
        try Data(Self.goodBoard.replacingOccurrences(of: find, with: replace).utf8).write(to: URL(fileURLWithPath: path))
        let r = try R.capped(["program", R.smallImage(), "--loader", R.loader(HostileLoader()), "--board", path])
        R.expectRefusal(r, status: 2, naming: message)
        #expect(!r.stderr.contains("was not valid JSON"))
    }

    @Test func brokenJSONGetsALineAndColumn() throws {
        let dir = try Self.directory()
        let path = dir + "/board.json"
        try Data(Self.goodBoard.replacingOccurrences(of: "\"mcu\": \"STM32U5G7\",", with: "\"mcu\": \"STM32U5G7\"").utf8).write(to: URL(fileURLWithPath: path))
        let line = Self.goodBoard.components(separatedBy: "\n").firstIndex { $0.contains("\"flash\"") }! + 1
        let r = try R.capped(["make-loader", "--board", path, "--output", dir + "/X.stldr"])
        R.expectRefusal(r, status: 2, naming: "board.json:\(line):")
        #expect(r.stderr.contains("expected ',' or '}'"))
    }

    // MARK: The small items

    @Test func loadAddressIsRefusedForImagesThatCarryAddresses() throws {
        let r = try R.capped(["program", R.smallImage(), "--loader", R.loader(HostileLoader()), "--load-address", "0x90000000"])
        R.expectRefusal(r, status: 2, naming: "--load-address applies to raw binary images")
    }

    @Test func initialFlashOfTheWrongSizeIsNamed() throws {
        let dir = try Self.directory()
        let dump = dir + "/dump.bin"
        try Data(repeating: 0xFF, count: 1000).write(to: URL(fileURLWithPath: dump))
        let loader = try R.loader(HostileLoader())
        let image = try R.smallImage()
        let short = try R.capped(["program", image, "--loader", loader, "--initial-flash", dump], kib: R.sessionCap)
        #expect(!short.signalled && short.status != 2, "\(short.stderr)")
        #expect(short.stderr.contains("--initial-flash is 1000 bytes; the IS25LP512M holds 67108864: the rest starts erased"), "\(short.stderr)")
        try Data(repeating: 0xFF, count: (64 << 20) + 1).write(to: URL(fileURLWithPath: dump))
        let long = try R.capped(["program", image, "--loader", loader, "--initial-flash", dump])
        R.expectRefusal(long, status: 2, naming: "is 67108865 bytes, more than the 67108864")
    }

    @Test func oneBytePastTheDeviceIsCalledThat() throws {
        let dir = try Self.directory()
        let bin = dir + "/whole.bin"
        try Data(repeating: 0x5A, count: (64 << 20) + 1).write(to: URL(fileURLWithPath: bin))
        let r = try R.capped(["program", bin, "--load-address", "0x90000000", "--loader", R.loader(HostileLoader())])
        R.expectRefusal(r, status: 2, naming: "run 1 bytes past the end of the loader's device")
    }

    @Test func sampleImageRefusesAnEmptyImage() throws {
        let r = try R.capped(["sample-image", "--output", ProgramCommandTests.temporary("empty.hex"), "--external-size", "0", "--internal-size", "0"])
        R.expectRefusal(r, status: 2, naming: "both 0")
    }
}
