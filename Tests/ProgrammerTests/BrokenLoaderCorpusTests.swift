import FirmwareImage
import Testing
import VirtualTime
@testable import Programmer

/// Each loader in Tests/Fixtures/BrokenLoaders makes one mistake people made (see its
/// README and cubeprogrammer-loader.md §4); the session must fail and name that mistake first.
@Suite("Broken-loader corpus")
struct BrokenLoaderCorpusTests {
    /// Tight limits so a stuck loader ends quickly; still far above what a correct one needs.
    static var options: SessionOptions {
        var o = SessionOptions()
        o.maxInstructionsPerCall = 80_000_000
        o.timeouts.initialize = .seconds(2)
        o.timeouts.write = .seconds(10)
        o.timeouts.sectorErase = .seconds(5)
        o.timeouts.sectorEraseIncrement = .seconds(0.5)
        return o
    }

    static let codes = [
        "return-value", "memory-mapped-active", "systick-not-running", "fpu-disabled", "unexpected-exception",
        "stack-overflow", "uninitialized-bss", "page-boundary", "address-width", "write-not-enabled", "flash-busy",
        "quad-not-enabled", "dummy-cycles", "peripheral-clock-disabled", "pins-not-routed", "timeout",
        "collateral-damage", "verify-mismatch", "storageinfo-layout", "storageinfo-missing",
    ]

    @Test("The session fails and the first finding names the mistake", arguments: codes)
    func firstFindingNamesTheMistake(code: String) throws {
        let loader = try Fixtures.brokenLoader(code)
        let session = try ProgrammerSession(loader: loader, image: Fixtures.trickyImage, imageName: "tricky.hex", options: Self.options)
        let report = session.run()
        #expect(report.result == "failed", "\(code): \(report.text())")
        #expect(report.findings.first?.code == code, "\(code): findings \(report.findings.map(\.code))\n\(report.text())")
        #expect(report.findings.first?.severity == .error)
        #expect(report.findings.first.map { !$0.message.isEmpty && !$0.message.contains("unknown") } ?? false)
    }

    @Test("The C baseline the corpus is cut from programs and verifies the same image")
    func baselineWorks() throws {
        let report = try ProgrammerSession(loader: Fixtures.brokenLoader("ok_c_baseline"), image: Fixtures.trickyImage,
                                           imageName: "tricky.hex", options: Self.options).run()
        #expect(report.result == "ok", "\(report.text())")
        #expect(!report.findings.contains { $0.severity > .note }, "\(report.findings.map(\.code))")
    }

    @Test("A loader that loops forever ends as a timeout within the budget, naming where it spins")
    func loopsForever() throws {
        let report = try ProgrammerSession(loader: Fixtures.brokenLoader("loops-forever"), image: Fixtures.trickyImage,
                                           imageName: "tricky.hex", options: Self.options).run()
        #expect(report.result == "failed")
        #expect(report.findings.first?.code == "timeout")
        #expect(report.findings.first?.evidence.contains { $0.contains("Init") } ?? false)
        #expect(report.calls.first?.outcome == "timeout" || report.calls.first?.outcome == "budget-exhausted")
    }

    @Test("A loader that faults is reported with the faulting address, PC and symbol")
    func hardFault() throws {
        let report = try ProgrammerSession(loader: Fixtures.brokenLoader("hard-fault"), image: Fixtures.trickyImage,
                                           imageName: "tricky.hex", options: Self.options).run()
        #expect(report.findings.first?.code == "hard-fault")
        #expect(report.findings.first?.message.contains("0x60000000") ?? false)
        #expect(report.failure?.symbol?.hasPrefix("Init") ?? false)
    }

    @Test("A loader that smashes its own return address ends with a report, not a crash")
    func stackSmash() throws {
        let report = try ProgrammerSession(loader: Fixtures.brokenLoader("stack-smash"), image: Fixtures.trickyImage,
                                           imageName: "tricky.hex", options: Self.options).run()
        #expect(report.result == "failed")
        #expect(["stack-overflow", "hard-fault"].contains(report.findings.first?.code ?? ""), "\(report.findings.map(\.code))")
        #expect(report.failure != nil)
    }

    @Test("A garbage return value is flagged though the programmer would carry on")
    func garbageReturn() throws {
        let report = try ProgrammerSession(loader: Fixtures.brokenLoader("garbage-return"), image: Fixtures.trickyImage,
                                           imageName: "tricky.hex", options: Self.options).run()
        #expect(report.findings.first?.code == "return-value")
        #expect(report.findings.first?.message.contains("0xDEADBEEF") ?? false)
    }
}
