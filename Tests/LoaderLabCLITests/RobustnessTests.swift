import Foundation
import LoaderFile
import Testing
import TestSupport

/// Issue 13's table, one test per row: each input is generated here and given to the built
/// `loaderlab` under a 1 GB address-space cap (`ulimit -v`); the run must end with exit 2 or 1
/// and the named reason, never a signal.
@Suite("Robustness: hostile inputs under a 1 GB cap")
struct RobustnessTests {
    struct Run {
        var status: Int32
        var signalled: Bool
        var stdout: String
        var stderr: String
        /// The run's own resident peak in KiB (GNU time's %M), -1 when not measured.
        var residentPeakKiB: Int
    }

    /// The address-space cap for runs that start the emulator. Unicorn 2.0.1 reserves 1 GiB
    /// for translated code in every instance and exits when it cannot (no control before 2.1;
    /// unicorn-engine/unicorn#1898), and a failed session holds up to three instances (the
    /// session, its zeroed-RAM rerun, a flash-part probe): such runs get 4 GiB of address
    /// space, and their resident peak is held to the 1 GiB instead
    /// (`expectResidentPeakBelowOneGiB`). Runs that stop before the emulator get the plain
    /// 1 GiB of address space.
    static let sessionCap = 4 << 20

    /// The run's own resident peak as GNU time measures it (it forks the run from its own small
    /// image): neither `RUSAGE_CHILDREN` (every child of this process, other tests' included)
    /// nor the spawned shell's rusage (a vfork child's exec records the parent's high-water
    /// mark) is the run's.
    static func expectResidentPeakBelowOneGiB(_ run: Run, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(run.residentPeakKiB >= 0, "GNU time (Debian package time) is needed to measure the run's peak", sourceLocation: sourceLocation)
        #expect(run.residentPeakKiB < 1 << 20, "the run's resident peak was \(run.residentPeakKiB) KiB", sourceLocation: sourceLocation)
    }

    /// `loaderlab ARGS` in a shell that first caps its virtual memory (default 1 GiB), under
    /// GNU time for the run's own resident peak.
    static func capped(_ arguments: [String], kib: Int = 1 << 20) throws -> Run {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("loaderlab-capped-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("stdout").path, err = directory.appendingPathComponent("stderr").path
        let peak = directory.appendingPathComponent("peak").path
        let script = "cd \"$1\" && ulimit -v \(kib) && shift 2 && exec /usr/bin/time -f %M -o \"\(peak)\" \"$0\" \"$@\" >\"\(out)\" 2>\"\(err)\""
        let argv = ["/bin/sh", "-c", script, ProgramCommandTests.executable, Repository.root.path, "--"] + arguments
        var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", nil, nil, &cArguments, environ)
        guard spawned == 0 else { throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "posix_spawn: \(spawned)"]) }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0, errno == EINTR {}
        let signal = status & 0x7F
        let read = { (path: String) in (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        return Run(status: signal == 0 ? (status >> 8) & 0xFF : 128 + signal, signalled: signal != 0 && signal != 0x7F,
                   stdout: read(out), stderr: read(err),
                   residentPeakKiB: read(peak).split(separator: "\n").last.flatMap { Int($0) } ?? -1)
    }

    static func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("loaderlab-robust-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func loader(_ hostile: HostileLoader) throws -> String { try write(hostile.build(), "HOSTILE.stldr") }

    /// A 4 KiB image at 0x9000_0000.
    static func smallImage() throws -> String {
        let path = ProgramCommandTests.temporary("small.hex")
        let r = try capped(["sample-image", "--output", path, "--external-size", "4K", "--internal-size", "0"])
        #expect(r.status == 0, "\(r.stderr)")
        return path
    }

    /// Exit 1 or 2 (as `expected`), no signal, and the reason on stderr or stdout.
    static func expectRefusal(_ r: Run, status expected: Int32, naming reason: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!r.signalled, "killed by a signal: \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.status == expected, "exit \(r.status): \(r.stderr)\(r.stdout.prefix(2000))", sourceLocation: sourceLocation)
        #expect(r.stderr.contains(reason) || r.stdout.contains(reason), "\(reason) not in: \(r.stderr)\(r.stdout.prefix(2000))", sourceLocation: sourceLocation)
    }

    // MARK: Row 1: no downloadable PT_LOAD

    @Test(arguments: ["no program headers", "p_type 0", "p_filesz 0"])
    func aLoaderWithNothingToDownloadIsRefusedByName(_ variant: String) throws {
        var hostile = HostileLoader()
        switch variant {
        case "no program headers": hostile.noProgramHeaders = true
        case "p_type 0": hostile.codeSegmentType = 0
        default: hostile.codeIsNoBits = true
        }
        let loader = try Self.loader(hostile)
        let image = try Self.smallImage()
        Self.expectRefusal(try Self.capped(["program", image, "--loader", loader]), status: 2, naming: "[no-code]")
        Self.expectRefusal(try Self.capped(["inspect", loader]), status: 1, naming: "[no-code]")
    }

    // MARK: Row 2: sector tables that overflow

    @Test func sectorTablesThatOverflowAreRefusedNotTrapped() throws {
        let image = try Self.smallImage()
        var hostile = HostileLoader()
        hostile.storageInfo.sectors = [.init(count: 0xFFFF_FFFF, size: 0xFFFF_FFFF)] + Array(repeating: .init(count: 0, size: 0), count: 9)
        Self.expectRefusal(try Self.capped(["program", image, "--loader", Self.loader(hostile)]), status: 2, naming: "[device-range-wraps]")

        hostile.storageInfo.sectors = [.init(count: 0x1_0000, size: 0x1_0000)] + Array(repeating: .init(count: 0, size: 0), count: 9)
        Self.expectRefusal(try Self.capped(["program", image, "--loader", Self.loader(hostile), "--full-chip-erase"]), status: 2, naming: "[device-range-wraps]")

        // DeviceSize 0xFFFFFFFF with a table that matches it: consistent, and still past 4 GiB.
        hostile.storageInfo.deviceSize = 0xFFFF_FFFF
        hostile.storageInfo.sectors = [.init(count: 0xFFFF_FFFF, size: 1)] + Array(repeating: .init(count: 0, size: 0), count: 9)
        let loader = try Self.loader(hostile)
        Self.expectRefusal(try Self.capped(["inspect", loader]), status: 1, naming: "[device-range-wraps]")
        Self.expectRefusal(try Self.capped(["program", image, "--loader", loader]), status: 2, naming: "[device-range-wraps]")
    }

    // MARK: Row 4: 65,535 identical PT_LOAD entries

    @Test func identicalSegmentsGiveOneGroupedFinding() throws {
        var hostile = HostileLoader()
        hostile.codeSegmentCount = 0xFFFE  // plus the StorageInfo segment: e_phnum 65,535
        let loader = try Self.loader(hostile)
        let r = try Self.capped(["inspect", loader, "--json"])
        Self.expectRefusal(r, status: 1, naming: "segments-overlap")
        let pairs = 0xFFFE * (0xFFFE - 1) / 2
        #expect(r.stdout.components(separatedBy: "\"segments-overlap\"").count == 2, "one finding, not one per pair")
        #expect(r.stdout.contains("\(pairs) overlapping pairs in all"))
        #expect(r.stdout.utf8.count < 30 << 20)
    }

    // MARK: Row 6: chunk sizes below the page size

    @Test(arguments: ["1", "3", "255"])
    func chunkSizesBelowThePageAreRefused(_ size: String) throws {
        let r = try Self.capped(["program", try Self.smallImage(), "--loader", Self.loader(HostileLoader()), "--chunk-size", size])
        Self.expectRefusal(r, status: 2, naming: "below the loader's PageSize (256)")
    }

    // MARK: Row 8: a segment or .bss that fills RAM

    @Test func aSegmentThatFillsRAMIsBlamedNotTheChunkSize() throws {
        let image = try Self.smallImage()
        var hostile = HostileLoader()
        hostile.codeMemorySize = 0x1000_0000
        var r = try Self.capped(["program", image, "--loader", Self.loader(hostile)])
        Self.expectRefusal(r, status: 2, naming: "[ram-overflow]")
        #expect(!r.stderr.contains("chunk size"))

        hostile = HostileLoader()
        hostile.codeAddress = 0x9000_0000
        r = try Self.capped(["program", image, "--loader", Self.loader(hostile)])
        Self.expectRefusal(r, status: 2, naming: "[ram-overflow]")
    }

    // MARK: Row 9: entry points and device ranges no programmer can use

    @Test(arguments: [
        ("Init = 0xFFFFFFFF", "entry-point-outside"),
        ("DeviceStartAddress 0xFFFFFFFF", "device-range-wraps"),
        ("DeviceStartAddress 0", "device-range-unmapped"),
        ("DeviceStartAddress 0x20000000", "device-range-overlaps"),
        ("DeviceStartAddress 0x08000000", "device-range-overlaps"),
    ])
    func unusableEntryPointsAndDeviceRangesAreNamed(_ variant: String, _ code: String) throws {
        var hostile = HostileLoader()
        switch variant {
        case "Init = 0xFFFFFFFF": hostile.entryOverride["Init"] = 0xFFFF_FFFF
        case "DeviceStartAddress 0xFFFFFFFF": hostile.storageInfo.deviceStartAddress = 0xFFFF_FFFF
        case "DeviceStartAddress 0": hostile.storageInfo.deviceStartAddress = 0
        case "DeviceStartAddress 0x20000000": hostile.storageInfo.deviceStartAddress = 0x2000_0000
        default: hostile.storageInfo.deviceStartAddress = 0x0800_0000
        }
        let loader = try Self.loader(hostile)
        Self.expectRefusal(try Self.capped(["inspect", loader]), status: 1, naming: "[\(code)]")
        let r = try Self.capped(["program", try Self.smallImage(), "--loader", loader, "--json"])
        Self.expectRefusal(r, status: 2, naming: "[\(code)]")
        #expect(r.stdout.contains("\"code\" : \"\(code)\""), "\(r.stdout)")
        #expect(!r.stderr.contains("0x103FFFFFE"))
    }

    @Test func aHealthyHostileLoaderHasNoneOfTheNewFindings() throws {
        let r = try Self.capped(["inspect", Self.loader(HostileLoader()), "--json"])
        for code in LoaderFile.unrunnableCodes { #expect(!r.stdout.contains("\"\(code)\""), "\(code) in \(r.stdout)") }
    }
}

/// The broken-loader corpus under the cap: every loader ends with a report (exit 0 or 1) or a
/// refusal (2), never a signal, and no run's resident peak reaches 1 GiB.
@Suite("Robustness: the broken-loader corpus under the memory cap")
struct CorpusUnderCapTests {
    static let names = ["address-width", "collateral-damage", "dummy-cycles", "flash-busy", "fpu-disabled", "garbage-return",
                        "hard-fault", "loops-forever", "memory-mapped-active", "page-boundary", "peripheral-clock-disabled",
                        "pins-not-routed", "quad-not-enabled", "return-value", "stack-overflow", "stack-smash", "storageinfo-layout",
                        "storageinfo-missing", "systick-not-running", "timeout", "unexpected-exception", "uninitialized-bss",
                        "verify-mismatch", "write-not-enabled"]

    @Test(arguments: names)
    func aBrokenLoaderEndsWithAReportUnderTheCap(_ name: String) throws {
        let loader = try Repository.brokenLoaderPath(name)
        let r = try RobustnessTests.capped(["program", RobustnessTests.smallImage(), "--loader", loader, "--json",
                                            "--init-timeout", "1", "--write-timeout", "1", "--erase-timeout", "1"],
                                           kib: RobustnessTests.sessionCap)
        #expect(!r.signalled, "\(name): \(r.stderr)")
        #expect([0, 1, 2].contains(r.status), "\(name): exit \(r.status) \(r.stderr)")
        #expect(r.stdout.contains("\"result\""), "\(name): a JSON report or bad-input object")
        RobustnessTests.expectResidentPeakBelowOneGiB(r)
    }
}
