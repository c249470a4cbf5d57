import Foundation
import LoaderFile
import Testing
import TestSupport
@testable import Programmer

/// `peripheral-clock-disabled` is a claim only where the access changed the outcome: a read
/// of 0 or a write of the reset value to a block still at reset is at most a trailing note.
@Suite("Unclocked accesses without effect")
struct UnclockedAccessPrecisionTests {
    static let w25q512 = Repository.root.deletingLastPathComponent()
        .appendingPathComponent("shared/real-loaders/CLIVEONE-W25Q512_STM32U599-PB10-PA2-PE12-PB0-PE14-PE15.stldr").path

    @Test("The public W25Q512 loader clears OCTOSPI1_CR/DCR1 before enabling the clock: a note after every other finding",
          .enabled(if: FileManager.default.fileExists(atPath: w25q512), "needs ../shared/real-loaders"))
    func w25q512ClearsOCTOSPI1BeforeItsClock() throws {
        var o = HALLoaderTests.options
        o.diagnoseUninitializedRAM = false
        let report = try ProgrammerSession(loader: LoaderFile(path: Self.w25q512), image: HALLoaderTests.image,
                                           imageName: "seed-like.hex", options: o).run()
        // On the IS25LP512M board its Init fails (the JEDEC ID is not Winbond's): not for the clock.
        #expect(report.result == "failed")
        let note = try #require(report.findings.first { $0.code == "peripheral-clock-disabled" }, "\(report.findings.map(\.code))")
        #expect(note.severity == .note)
        #expect(note.evidence.contains { $0.contains("OCTOSPI1_CR written with 0x00000000") })
        #expect(report.findings.last?.code == "peripheral-clock-disabled")
        #expect(report.findings.first?.code != "peripheral-clock-disabled")
    }

    @Test("A loader that really uses an unclocked peripheral is still named for it")
    func realMistakeStillNamed() throws {
        let report = try ProgrammerSession(loader: Fixtures.brokenLoader("peripheral-clock-disabled"), image: Fixtures.trickyImage,
                                           imageName: "tricky.hex", options: BrokenLoaderCorpusTests.options).run()
        #expect(report.findings.first?.code == "peripheral-clock-disabled")
        #expect(report.findings.first?.severity == .error)
    }
}
