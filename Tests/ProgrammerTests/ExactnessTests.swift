import Foundation
import LoaderFile
import Testing
import TestSupport
@testable import Programmer

/// The shortcuts (`SessionOptions.fastPaths`: the signal path's routing cache, guest stores
/// without Unicorn 2.0.1's page-lock bookkeeping, Device alignment checked by decoding in the
/// MMIO callbacks instead of memory hooks) are exact: on every loader of the
/// broken-loader corpus and on ours, a session with them and one without give the same
/// hardware events (time, PC and content of each, so the same flash-command trace), the same
/// calls with the same device time and instruction counts, and the same findings.
@Suite("Fast paths are exact")
struct ExactnessTests {
    static let corpus = [
        "ok_c_baseline", "address-width", "collateral-damage", "dummy-cycles", "flash-busy", "fpu-disabled", "garbage-return",
        "hard-fault", "loops-forever", "memory-mapped-active", "page-boundary", "peripheral-clock-disabled", "pins-not-routed",
        "quad-not-enabled", "return-value", "stack-overflow", "stack-smash", "storageinfo-layout", "storageinfo-missing",
        "systick-not-running", "timeout", "unexpected-exception", "uninitialized-bss", "verify-mismatch", "write-not-enabled",
    ]

    struct Outcome {
        var report: SessionReport
        var events: String
    }

    static func run(_ loaderPath: String, options base: SessionOptions, fastPaths: Bool) throws -> Outcome {
        var options = base
        options.fastPaths = fastPaths
        let loader = try LoaderFile(path: loaderPath)
        let session = try ProgrammerSession(loader: loader, image: Fixtures.trickyImage, imageName: "tricky.hex", options: options)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("exactness-\(UUID().uuidString).trace").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let sink = try TraceSink(path: path)
        let report = session.run(traceSink: sink)
        return Outcome(report: report, events: try String(contentsOfFile: path, encoding: .utf8))
    }

    static func expectSame(_ fast: Outcome, _ slow: Outcome, _ name: String) {
        #expect(!slow.events.isEmpty || slow.report.calls.isEmpty, "\(name): the slow path recorded no events")
        #expect(fast.events == slow.events, "\(name): the hardware events differ")
        #expect(fast.report.calls == slow.report.calls, "\(name): calls, device times or instruction counts differ")
        #expect(fast.report.findings == slow.report.findings, "\(name): findings differ")
        #expect(fast.report.timing.deviceSeconds == slow.report.timing.deviceSeconds, "\(name): device time differs")
        #expect(fast.report.lastFlashCommands == slow.report.lastFlashCommands, "\(name)")
        #expect(fast.report.result == slow.report.result, "\(name)")
    }

    @Test("Each corpus loader: same events, calls, device time and findings with and without fast paths", arguments: corpus)
    func corpusLoader(name: String) throws {
        let path = try Repository.brokenLoaderPath(name)
        var options = BrokenLoaderCorpusTests.options
        // Stuck loaders must stop at the same instruction on both paths: by the instruction
        // budget or device time, never by the host-time guard (which depends on the machine's load).
        options.maxInstructionsPerCall = 8_000_000
        options.hostSecondsPerCall = 3600
        Self.expectSame(try Self.run(path, options: options, fastPaths: true), try Self.run(path, options: options, fastPaths: false), name)
    }

    @Test("Our loader: same events, calls, device time and findings with and without fast paths")
    func ourLoader() throws {
        let path = try Repository.ourLoaderPath()
        let fast = try Self.run(path, options: SessionOptions(), fastPaths: true)
        let slow = try Self.run(path, options: SessionOptions(), fastPaths: false)
        #expect(fast.report.result == "ok", "\(fast.report.text())")
        Self.expectSame(fast, slow, "our loader")
    }
}
