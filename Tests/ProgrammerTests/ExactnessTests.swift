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
        // Folded turns' replayed accesses are not counted; with nothing folded every access is.
        if fast.report.timing.foldedInstructions == 0 {
            #expect(fast.report.timing.busAccesses == slow.report.timing.busAccesses, "\(name): bus accesses differ")
        }
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

    /// Loaders written with ST's HAL move one byte per DR access, the traffic the OCTOSPI's
    /// bus window answers in C (`OCTOSPIBusWindow.swift`).
    @Test("Each HAL loader: same events, calls, device time and findings with and without fast paths",
          .enabled(if: HALFixtures.available, "needs ../shared/vendor/stm32u5 and arm-none-eabi-gcc"),
          arguments: ["hal-msi-4mhz", "hal-pll-160mhz", "hal-return-value", "hal-systick-not-running",
                      "hal-memory-mapped-active", "hal-uninitialized-bss", "hal-clock-order"])
    func halLoader(name: String) throws {
        let path = try Repository.ensureBuilt("build/hal/\(name).stldr", by: "Tests/Fixtures/HALLoaders/build.sh")
        var options = SessionOptions()
        // hal-systick-not-running spins in HAL_Delay: the budget stops it on both paths.
        options.maxInstructionsPerCall = 8_000_000
        options.hostSecondsPerCall = 3600
        let fast = try Self.run(path, options: options, fastPaths: true)
        let slow = try Self.run(path, options: options, fastPaths: false)
        Self.expectSame(fast, slow, name)
        #expect(slow.report.timing.busWindowAccesses == 0)
        #expect(slow.report.timing.directBusAccesses == 0)
        if name == "hal-msi-4mhz" || name == "hal-pll-160mhz" {
            // Most of a HAL loader's accesses are its byte-per-DR transfer loop's.
            let t = fast.report.timing
            #expect(t.busWindowAccesses * 2 > t.busAccesses, "\(name): the window answered \(t.busWindowAccesses) of \(t.busAccesses)")
            // Nearly all of them aligned peripheral accesses, which skip Unicorn's dispatch (the
            // rest: the System Control Space's, which never do).
            #expect(t.directBusAccesses * 5 > t.busAccesses * 4, "\(name): \(t.directBusAccesses) of \(t.busAccesses) went direct")
        }
    }

    @Test("Our loader: same events, calls, device time and findings with and without fast paths")
    func ourLoader() throws {
        let path = try Repository.ourLoaderPath()
        let fast = try Self.run(path, options: SessionOptions(), fastPaths: true)
        let slow = try Self.run(path, options: SessionOptions(), fastPaths: false)
        #expect(fast.report.result == "ok", "\(fast.report.text())")
        Self.expectSame(fast, slow, "our loader")
        #expect(fast.report.timing.directBusAccesses > 0 && slow.report.timing.directBusAccesses == 0)
    }
}
