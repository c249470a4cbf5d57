import FirmwareImage
import Foundation
import LoaderFile
import NORFlash
import Testing
@testable import Programmer

/// Issue 13: a chip failure injected into the flash model. Our loader must return 0 from the
/// call that meets it, within the call's time limit; the session must fail with a finding
/// that names the injected fault; and no flash byte outside the requested ranges may change.
@Suite("Fault injection in the flash model")
struct FaultInjectionTests {
    /// 0x300 bytes in sector 1 and 0x100 bytes in sector 3: two erases, a few page programs.
    static let image = Fixtures.image([(0x9001_0080, 0x300), (0x9003_0000, 0x100)], seed: 7)

    struct Outcome {
        var report: SessionReport
        var run: SessionRun
        var session: ProgrammerSession
    }

    func run(_ fault: FlashFault) throws -> Outcome {
        var options = SessionOptions()
        options.fault = fault
        options.diagnoseUninitializedRAM = false
        let session = try ProgrammerSession(loader: Fixtures.ourLoader(), image: Self.image, imageName: "image.hex", options: options)
        let report = session.run()
        let run = session.execute(ramFill: options.ramFill, progress: nil)
        return Outcome(report: report, run: run, session: session)
    }

    /// Flash bytes that differ from the power-on content outside the session's requested ranges.
    func changedOutsideRequest(_ outcome: Outcome) throws -> [Int] {
        let flash = try #require(outcome.run.board?.flash)
        let before = NORFlash(part: flash.part, content: SessionOptions().initialFlash).bytes
        let after = flash.bytes
        let base = outcome.session.layout.base
        let requested = outcome.session.plan.requestedRanges.map { Int($0.lowerBound - base)...Int($0.upperBound - base) }
        var outside: [Int] = []
        var start = 0
        // Compare the gaps between the requested ranges with memcmp, not byte by byte.
        for range in requested.sorted(by: { $0.lowerBound < $1.lowerBound }) + [after.count...after.count] {
            let end = min(range.lowerBound, after.count)
            if start < end {
                let same = before.withUnsafeBytes { b in after.withUnsafeBytes { a in memcmp(b.baseAddress! + start, a.baseAddress! + start, end - start) == 0 } }
                if !same, let i = (start..<end).first(where: { before[$0] != after[$0] }) { outside.append(i) }
            }
            start = max(start, range.upperBound + 1)
        }
        return outside
    }

    @Test(arguments: [FlashFault.programError, .eraseError, .stuckBusy, .powerLoss(afterOperations: 0), .powerLoss(afterOperations: 2)])
    func theLoaderReturnsZeroAndTheFaultIsNamed(_ fault: FlashFault) throws {
        let outcome = try run(fault)
        let report = outcome.report
        #expect(report.result == "failed", "\(report.text())")
        let first = try #require(report.findings.first)
        #expect(first.code == "injected-fault", "\(report.findings.map(\.code))")
        #expect(first.message.contains(fault.description))
        let failed = try #require(report.calls.last { !$0.succeeded }, "\(report.text())")
        // Stuck busy included: the loader's own deadline ends the call (the OCTOSPI lets time
        // pass while it polls a part that never finishes), not the lab's per-call limit.
        #expect(failed.outcome.hasPrefix("returned"), "\(failed.name): \(failed.outcome)")
        #expect(failed.result == 0, "\(failed.name) returned \(String(describing: failed.result))")
        #expect(try changedOutsideRequest(outcome).isEmpty)
    }

    @Test func aFlippedBitIsCaughtByTheVerifyAndNamed() throws {
        let address: UInt32 = 0x1_0100
        let outcome = try run(.bitFlip(address: address))
        let report = outcome.report
        #expect(report.result == "failed")
        #expect(report.findings.first?.code == "injected-fault", "\(report.findings.map(\.code))")
        #expect(report.programmerLog.contains { $0.contains(String(format: "0x%08X", 0x9000_0000 + address)) }, "\(report.programmerLog)")
        #expect(try changedOutsideRequest(outcome).isEmpty)
    }

    @Test func withoutAFaultTheSameSessionIsClean() throws {
        let session = try ProgrammerSession(loader: Fixtures.ourLoader(), image: Self.image, imageName: "image.hex", options: SessionOptions())
        let report = session.run()
        #expect(report.result == "ok", "\(report.text())")
        #expect(!report.findings.contains { $0.code == "injected-fault" })
    }

    @Test(arguments: ["program-error", "erase-error", "stuck-busy", "power-loss@3", "bit-flip@0x100", "bit-flip@256"])
    func theInjectSyntaxParses(_ text: String) {
        #expect(FlashFault(parsing: text) != nil)
    }

    @Test(arguments: ["", "power-loss", "bit-flip@zz", "program-error@1", "melt"])
    func badInjectSyntaxIsRefused(_ text: String) {
        #expect(FlashFault(parsing: text) == nil)
    }
}
