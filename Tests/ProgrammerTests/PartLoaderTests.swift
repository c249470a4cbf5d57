import Board
import LoaderFile
import NORFlash
import TestSupport
import Testing
import VirtualTime
@testable import Programmer

/// Loaders written for catalog parts other than the IS25LP512M (Tests/Fixtures/PartLoaders),
/// on the default wiring with the board's `flash` naming their part: each programs and
/// verifies, and the mistake particular to its part is named.
@Suite("Loaders for the Winbond and Micron catalog parts")
struct PartLoaderTests {
    static func loader(_ name: String) throws -> LoaderFile {
        try LoaderFile(path: Repository.ensureBuilt("build/parts/\(name).stldr", by: "Tests/Fixtures/PartLoaders/build.sh"))
    }

    static func options(part: String, faults: FlashFaultInjection = FlashFaultInjection()) -> SessionOptions {
        var o = BrokenLoaderCorpusTests.options
        var board = Board.defaultBoard
        board.flash = part
        o.board = board
        o.flashFaults = faults
        return o
    }

    static func run(_ loader: String, part: String, faults: FlashFaultInjection = FlashFaultInjection()) throws -> SessionReport {
        try ProgrammerSession(loader: Self.loader(loader), image: Fixtures.trickyImage, imageName: "tricky.hex",
                              options: options(part: part, faults: faults)).run()
    }

    @Test("each part loader programs and verifies on its board with no finding above note",
          arguments: [("w25q512jv_ok", "W25Q512JV"), ("mt25ql512abb_ok", "MT25QL512ABB")])
    func programsAndVerifies(loader: String, part: String) throws {
        let report = try Self.run(loader, part: part)
        #expect(report.result == "ok", "\(report.text())")
        #expect(!report.findings.contains { $0.severity > .note }, "\(report.findings.map(\.code))")
    }

    @Test("W25Q512JV: a loader that sets QE the ISSI way (01h 40h, SR1 bit 6) is told quad-not-enabled")
    func winbondQuadEnableInWrongRegister() throws {
        let report = try Self.run("w25q512jv_qe_sr1_only", part: "W25Q512JV")
        #expect(report.result == "failed")
        #expect(report.findings.first?.code == "quad-not-enabled", "\(report.findings.map(\.code))\n\(report.text())")
        #expect(report.findings.first?.message.contains("Status Register-2 bit 1") ?? false, "\(report.findings.first?.message ?? "")")
    }

    /// A flash an earlier run left in QPI (`--leftover qpi`) hears none of a loader's 1-line
    /// commands: the cause is named with the part's own QPI exit, whether the loader gives up
    /// (auto-poll with a timeout, ID check) or polls in software.
    @Test("W25Q512JV left in QPI: loaders that only speak 1-line SPI get flash-mode-mismatch naming FFh",
          arguments: ["w25q512jv_ok", "w25q512jv_software_poll"])
    func flashLeftInQPI(loader: String) throws {
        var options = Self.options(part: "W25Q512JV")
        options.leftoverFlashModes = [.qpi]
        let report = try ProgrammerSession(loader: Self.loader(loader), image: Fixtures.trickyImage, imageName: "tricky.hex", options: options).run()
        #expect(report.result == "failed")
        #expect(report.findings.filter { $0.severity == .error }.map(\.code) == ["flash-mode-mismatch"], "\(report.text())")
        let finding = try #require(report.findings.first)
        #expect(finding.message.contains("QPI mode (left there by an earlier run or the application: --leftover qpi)") && finding.message.contains("FFh on 4 lines"),
                "\(finding.message)")
        #expect(finding.evidence.contains { $0.contains("9Fh sent on 1 line(s) while the flash is in QPI mode") }, "\(finding.evidence)")
    }

    @Test("Our loader programs with the flash in SPI or left in QPI, and its reset sent both ways (4-line 66h/99h to a flash in SPI) is no finding")
    func recoveryResetIsNotAFinding() throws {
        for leftovers: FlashLeftovers in [[], [.qpi]] {
            var options = BrokenLoaderCorpusTests.options
            options.leftoverFlashModes = leftovers
            let report = try ProgrammerSession(loader: Fixtures.ourLoader(), image: Fixtures.trickyImage, imageName: "tricky.hex", options: options).run()
            #expect(report.result == "ok", "\(report.text())")
            #expect(!report.findings.contains { $0.code == "flash-mode-mismatch" }, "\(report.findings.map(\.code))")
        }
    }

    /// The failing call holds wrong-mode instructions, but the flash understood the loader
    /// after them: they decided nothing. Our quad loader's Init sends 66h/99h on 4 lines to a
    /// flash in SPI, then reads the ID and SFDP of an octal part it does not drive and returns 0.
    @Test("A recovery reset before a failure the flash did hear is not flash-mode-mismatch: our loader gives up on an MX25LM51245G for its own reason")
    func recoveryResetBeforeAnotherFailure() throws {
        var options = Self.options(part: "MX25LM51245G")
        options.board.schema = 2
        let report = try ProgrammerSession(loader: Fixtures.ourLoader(), image: Fixtures.trickyImage, imageName: "tricky.hex", options: options).run()
        #expect(report.result == "failed")
        #expect(report.findings.first?.code == "flash-part-mismatch", "\(report.findings.map(\.code))")
        #expect(!report.findings.contains { $0.code == "flash-mode-mismatch" }, "\(report.findings.map(\.code))")
    }

    @Test("MT25QL512ABB: a program error in the flag status register that the loader ignores is flash-error-ignored")
    func micronFlagStatusIgnored() throws {
        let faults = FlashFaultInjection(failingPrograms: [0x2000..<0x2100])
        let report = try Self.run("mt25ql512abb_fsr_ignored", part: "MT25QL512ABB", faults: faults)
        #expect(report.result == "failed")
        #expect(report.findings.first?.code == "flash-error-ignored", "\(report.findings.map(\.code))\n\(report.text())")
        #expect(report.findings.first?.severity == .error)
        #expect(report.findings.first?.message.contains("70h") ?? false)
    }

    @Test("MT25QL512ABB: a loader that reads the flag status and fails the call is not blamed for ignoring it")
    func micronFlagStatusChecked() throws {
        let faults = FlashFaultInjection(failingPrograms: [0x2000..<0x2100])
        let report = try Self.run("mt25ql512abb_ok", part: "MT25QL512ABB", faults: faults)
        #expect(report.result == "failed")
        #expect(!report.findings.contains { $0.code == "flash-error-ignored" }, "\(report.findings.map(\.code))")
    }
}
