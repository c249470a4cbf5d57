import Foundation
import Testing
import TestSupport

/// `loaderlab program` run as the user runs it: the built executable, real files, exit codes.
@Suite("loaderlab program, end to end")
struct ProgramCommandTests {
    /// The `loaderlab` SwiftPM built next to this test bundle.
    static var executable: String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("loaderlab").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return Repository.path(".build/debug/loaderlab")
    }

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func loaderlab(_ arguments: [String]) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        p.currentDirectoryURL = Repository.root
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Read both pipes before waiting, so a large report cannot block the child.
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self), stderr: String(decoding: stderrData, as: UTF8.self))
    }

    static func temporary(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("loaderlab-\(UUID().uuidString)-\(name)").path
    }

    /// The README's main job: a sample image like the reported one, programmed by our loader.
    static func sampleImage() throws -> String {
        let path = temporary("sample.hex")
        let r = try loaderlab(["sample-image", "--output", path])
        #expect(r.status == 0, "\(r.stderr)")
        return path
    }

    @Test("The README's main job: our loader programs and verifies the sample image, exit 0")
    func mainJob() throws {
        try Repository.ensureBuilt("build/IS25LP512M_STM32U5G7.stldr", by: "Firmware/build.sh")
        let image = try Self.sampleImage()
        let r = try Self.loaderlab(["program", image, "--loader", "build/IS25LP512M_STM32U5G7.stldr"])
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        #expect(r.stdout.contains("Erasing external memory sectors [0 191]"))
        #expect(r.stdout.contains("Download verified successfully"))
        #expect(r.stdout.contains("Result: programmed and verified"))
        #expect(!r.stdout.contains(": error:") && !r.stdout.contains(": warning:"))
    }

    @Test("--json for CI: result, findings, calls, timing")
    func json() throws {
        try Repository.ensureBuilt("build/IS25LP512M_STM32U5G7.stldr", by: "Firmware/build.sh")
        let image = try Self.sampleImage()
        let r = try Self.loaderlab(["program", image, "--loader", "build/IS25LP512M_STM32U5G7.stldr", "--json", "--initial-flash", "erased"])
        #expect(r.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(object?["result"] as? String == "ok")
        #expect((object?["findings"] as? [Any]) != nil)
        #expect(((object?["calls"] as? [Any])?.count ?? 0) > 3)
        let timing = object?["timing"] as? [String: Any]
        #expect(timing?["deviceSeconds"] is Double && timing?["hostSeconds"] is Double)
    }

    @Test("The reported failure: 'failed to download Sector[0]' right after a good erase, exit 1, root cause named")
    func reportedFailure() throws {
        try Repository.ensureBuilt("build/broken/return-value.stldr", by: "Tests/Fixtures/BrokenLoaders/build.sh")
        let image = try Self.sampleImage()
        let trace = Self.temporary("trace.txt")
        let r = try Self.loaderlab(["program", image, "--loader", "build/broken/return-value.stldr", "--trace", trace])
        #expect(r.status == 1)
        #expect(r.stdout.contains("Erasing external memory sectors [0 191]"))
        #expect(r.stdout.contains("Error: failed to download Sector[0]"))
        #expect(r.stdout.contains("error: [return-value]"))
        let events = try String(contentsOfFile: trace, encoding: .utf8)
        #expect(events.contains("Quad Input Page Program"), "the trace file holds the flash's decoded commands")
    }

    @Test("Bad input is exit 2 with the file named: missing image, broken HEX, bad board, not a loader")
    func badInput() throws {
        try Repository.ensureBuilt("build/IS25LP512M_STM32U5G7.stldr", by: "Firmware/build.sh")
        let missing = try Self.loaderlab(["program", "/nonexistent/image.hex", "--loader", "build/IS25LP512M_STM32U5G7.stldr"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/nonexistent/image.hex"))

        let broken = Self.temporary("broken.hex")
        try ":020000040900F1\n:10000000000102030405060708090A0B0C0D0E0F00\n:00000001FF\n".write(toFile: broken, atomically: true, encoding: .utf8)
        let badHex = try Self.loaderlab(["program", broken, "--loader", "build/IS25LP512M_STM32U5G7.stldr"])
        #expect(badHex.status == 2)
        #expect(badHex.stderr.contains("broken.hex:2"), "\(badHex.stderr)")

        let board = Self.temporary("board.json")
        try #"{"schema":1,"name":"x","mcu":"STM32U5G7","flash":"IS25LP512M","octospi":{"instance":1,"port":1},"pins":{"ncs":{"pin":"PA2","af":10},"clk":{"pin":"PB11","af":10},"io0":{"pin":"PE12","af":10},"io1":{"pin":"PB0","af":10},"io2":{"pin":"PE14","af":10},"io3":{"pin":"PE15","af":10}},"clock":{"sysclkHz":160000000,"octospiDivider":2}}"#
            .write(toFile: board, atomically: true, encoding: .utf8)
        let image = try Self.sampleImage()
        let badBoard = try Self.loaderlab(["program", image, "--loader", "build/IS25LP512M_STM32U5G7.stldr", "--board", board])
        #expect(badBoard.status == 2)
        #expect(badBoard.stderr.contains("PB11") && badBoard.stderr.contains("pins.clk"))

        let notLoader = try Self.loaderlab(["program", image, "--loader", broken])
        #expect(notLoader.status == 2)
        #expect(notLoader.stderr.contains("broken.hex"))
    }

    @Test("--initial-flash FILE starts the flash from a dump; --verify loader reads back through Verify")
    func initialFlashFromFile() throws {
        try Repository.ensureBuilt("build/IS25LP512M_STM32U5G7.stldr", by: "Firmware/build.sh")
        let dump = Self.temporary("dump.bin")
        try Data(repeating: 0x00, count: 0x2_0000).write(to: URL(fileURLWithPath: dump))
        let bin = Self.temporary("app.bin")
        try Data((0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 1) }).write(to: URL(fileURLWithPath: bin))
        let r = try Self.loaderlab(["program", bin, "--loader", "build/IS25LP512M_STM32U5G7.stldr", "--load-address", "0x90010003",
                                    "--initial-flash", dump, "--verify", "loader", "--json"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("\"Verify\""))
        let missing = try Self.loaderlab(["program", bin, "--loader", "build/IS25LP512M_STM32U5G7.stldr", "--load-address", "0x90010003",
                                          "--initial-flash", "/nonexistent/dump.bin"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/nonexistent/dump.bin"))
    }

    @Test("A per-call device-time limit ends a stuck loader early, and a nonsense limit is refused")
    func timeouts() throws {
        try Repository.ensureBuilt("build/broken/loops-forever.stldr", by: "Tests/Fixtures/BrokenLoaders/build.sh")
        let image = try Self.sampleImage()
        let r = try Self.loaderlab(["program", image, "--loader", "build/broken/loops-forever.stldr", "--init-timeout", "0.5", "--json"])
        #expect(r.status == 1)
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let first = (object?["calls"] as? [[String: Any]])?.first
        #expect(first?["outcome"] as? String == "timeout")
        #expect(abs((first?["deviceSeconds"] as? Double ?? 0) - 0.5) < 0.01)
        let bad = try Self.loaderlab(["program", image, "--loader", "build/broken/loops-forever.stldr", "--init-timeout", "-1"])
        #expect(bad.status != 0 && bad.stderr.contains("init-timeout"))
    }

    @Test("--flash-timing maximum takes longer on the board; --leftover qpi/4-byte still programs with our loader")
    func flashTimingAndLeftovers() throws {
        try Repository.ensureBuilt("build/IS25LP512M_STM32U5G7.stldr", by: "Firmware/build.sh")
        let bin = Self.temporary("app.bin")
        try Data((0..<0x3000).map { UInt8(truncatingIfNeeded: $0 &* 29) }).write(to: URL(fileURLWithPath: bin))
        func deviceSeconds(_ extra: [String]) throws -> Double {
            let r = try Self.loaderlab(["program", bin, "--loader", "build/IS25LP512M_STM32U5G7.stldr", "--load-address", "0x90000000", "--json"] + extra)
            #expect(r.status == 0, "\(extra): \(r.stdout)\(r.stderr)")
            let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
            return (object?["timing"] as? [String: Any])?["deviceSeconds"] as? Double ?? 0
        }
        let typical = try deviceSeconds([])
        let maximum = try deviceSeconds(["--flash-timing", "maximum"])
        #expect(maximum > typical * 2, "maximum busy times (tSE 300 ms vs 70 ms) dominate: \(typical) s vs \(maximum) s")
        _ = try deviceSeconds(["--leftover", "qpi", "--leftover", "4-byte"])
        let bad = try Self.loaderlab(["program", bin, "--loader", "build/IS25LP512M_STM32U5G7.stldr", "--leftover", "opi"])
        #expect(bad.status == 2 && bad.stderr.contains("--leftover"))
    }

    @Test("A raw binary needs --load-address; outside every memory it is refused with exit 2")
    func rawBinary() throws {
        try Repository.ensureBuilt("build/IS25LP512M_STM32U5G7.stldr", by: "Firmware/build.sh")
        let bin = Self.temporary("app.bin")
        try Data((0..<1000).map { UInt8(truncatingIfNeeded: $0 * 7) }).write(to: URL(fileURLWithPath: bin))
        let ok = try Self.loaderlab(["program", bin, "--loader", "build/IS25LP512M_STM32U5G7.stldr", "--load-address", "0x90000100"])
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        let huge = try Self.loaderlab(["program", bin, "--loader", "build/IS25LP512M_STM32U5G7.stldr", "--load-address", "0x90000100", "--chunk-size", "8M"])
        #expect(huge.status == 2)
        #expect(huge.stderr.contains("two buffers"), "\(huge.stderr)")
        let outside = try Self.loaderlab(["program", bin, "--loader", "build/IS25LP512M_STM32U5G7.stldr", "--load-address", "0xA0000000"])
        #expect(outside.status == 2)
        #expect(outside.stderr.contains("0xA0000000"))
    }
}

/// Issue #4's bar for our loader: `inspect` finds nothing to complain about.
@Suite("loaderlab inspect on our loader")
struct InspectOurLoaderTests {
    @Test("No error, no warning; the 200-byte StorageInfo and all seven entry points are shown")
    func clean() throws {
        let loader = try Repository.ourLoaderPath()
        let r = try ProgramCommandTests.loaderlab(["inspect", loader])
        #expect(r.status == 0)
        #expect(r.stdout.contains("StorageInfo (200 bytes"))
        #expect(r.stdout.contains("\"IS25LP512M_STM32U5G7\""))
        for name in ["Init", "Write", "SectorErase", "MassErase", "Read", "Verify", "CheckSum"] {
            #expect(r.stdout.contains("\n  \(name) ") || r.stdout.contains("\n  \(name)  "), "entry point \(name)")
        }
        #expect(r.stdout.contains("No findings."))
        #expect(r.stdout.contains("BoardConfig v2: OCTOSPI1 on OCTOSPIM port 1, SYSCLK 160 MHz, OCTOSPI clock / 2; NCS PA2 AF10 pull-up, CLK PB10 AF10, IO0 PE12 AF10, IO1 PB0 AF10"))
        #expect(r.stdout.contains("RAM 0x20000000 + 0x2F0000"))
        let json = try ProgramCommandTests.loaderlab(["inspect", loader, "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((object?["findings"] as? [Any])?.isEmpty == true)
        #expect((object?["entryPoints"] as? [Any])?.count == 7)
        #expect((object?["boardConfig"] as? String)?.hasPrefix("v2: OCTOSPI1") == true)
    }

    @Test("inspect shows the wiring make-loader patched in")
    func patchedWiring() throws {
        _ = try Repository.ourLoaderPath()
        let output = ProgramCommandTests.temporary("porte.stldr")
        let made = try ProgramCommandTests.loaderlab(["make-loader", "--board", "Boards/stm32u5g7-is25lp512m-porte.json", "--output", output])
        #expect(made.status == 0, "\(made.stderr)")
        let r = try ProgramCommandTests.loaderlab(["inspect", output])
        #expect(r.status == 0)
        #expect(r.stdout.contains("SYSCLK 120 MHz"))
        #expect(r.stdout.contains("NCS PE11 AF10 pull-up, CLK PE10 AF10"))
    }
}
