import Foundation
import Testing
@testable import Programmer

/// `timeout` says who stopped the call. Only the device-time limit is the programmer's; the
/// instruction budget and the host guard are the lab's own limits, reached before it, and a
/// loader that polls the flash in software may simply need more than they allow (ST's
/// MX25LM51245G loader erasing 768 KiB block by block does).
@Suite("timeout names the limit that stopped the call")
struct TimeoutWordingTests {
    func run(maxInstructions: UInt64, initTimeout: Double) throws -> SessionFinding {
        var options = BrokenLoaderCorpusTests.options
        options.maxInstructionsPerCall = maxInstructions
        options.timeouts.initialize = .seconds(initTimeout)
        let report = try ProgrammerSession(loader: Fixtures.brokenLoader("loops-forever"), image: Fixtures.trickyImage,
                                           imageName: "tricky.hex", options: options).run()
        #expect(report.result == "failed")
        return try #require(report.findings.first { $0.code == "timeout" }, "\(report.findings.map(\.code))")
    }

    @Test func theProgrammersLimitSaysTheProgrammerGivesUp() throws {
        let finding = try run(maxInstructions: 400_000_000, initTimeout: 0.05)
        #expect(finding.message.contains("never returned"), "\(finding.message)")
        #expect(finding.message.contains("the programmer gives up"))
        #expect(!finding.message.contains("the lab stopped it"))
    }

    @Test func theLabsBudgetIsNamedAsTheLabs() throws {
        let finding = try run(maxInstructions: 200_000, initTimeout: 30)
        #expect(finding.message.contains("the lab stopped it"), "\(finding.message)")
        #expect(finding.message.contains("200000 instructions per call"))
        #expect(finding.message.contains("before the programmer's own limit"))
        #expect(!finding.message.contains("never returned"))
    }
}
