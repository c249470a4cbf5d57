import Foundation
import LoaderFile
import Testing
import TestSupport
@testable import Programmer

/// A whole session of a loader that waits on the flash in software (05h read after 05h read,
/// as ST's BSP loaders do) is folded (`WaitLoopFold`) and exact: the same hardware events,
/// calls, device time and findings as instruction by instruction.
@Suite("Software status polls folded in a session")
struct WaitLoopFoldSessionTests {
    @Test("W25Q512JV loader polling 05h in software: most of its instructions folded, nothing else changed")
    func softwarePollingLoader() throws {
        let path = try Repository.ensureBuilt("build/parts/w25q512jv_software_poll.stldr", by: "Tests/Fixtures/PartLoaders/build.sh")
        let options = PartLoaderTests.options(part: "W25Q512JV")
        let fast = try ExactnessTests.run(path, options: options, fastPaths: true)
        let slow = try ExactnessTests.run(path, options: options, fastPaths: false)
        #expect(fast.report.result == "ok", "\(fast.report.text())")
        #expect(slow.report.timing.foldedInstructions == 0)
        let retired = fast.report.calls.reduce(UInt64(0)) { $0 + $1.instructions }
        #expect(fast.report.timing.foldedInstructions > retired / 2, "\(fast.report.timing.foldedInstructions) of \(retired)")
        ExactnessTests.expectSame(fast, slow, "w25q512jv_software_poll")
    }
}
