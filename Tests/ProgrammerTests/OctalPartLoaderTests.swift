import Board
import FirmwareImage
import Foundation
import LoaderFile
import NORFlash
import TestSupport
import Testing
@testable import Programmer

enum OctalFixture {
    /// The octal fixtures exist, or the toolchain that builds them does.
    static var available: Bool {
        let env = ProcessInfo.processInfo.environment
        let tools = [env["CLANG"] ?? "/opt/swift/usr/bin/clang", env["LLD"] ?? "/opt/swift/usr/bin/ld.lld"]
        let built = ["mx25lm51245g_u5a9_ok", "mx25lm51245g_u5a9_str_dummy"].allSatisfy {
            FileManager.default.fileExists(atPath: Repository.path("build/parts/\($0).stldr"))
        }
        return built || tools.allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// Our own octal loader for the MX25LM51245G (Tests/Fixtures/PartLoaders/octal.c, written
/// from the datasheet and RM0456) on the built-in U5A9J-DK board: SPI to DTR OPI through
/// CR2, 8D-8D-8D commands with the inverted opcode extension, DQS through the calibrated
/// delay block, memory-mapped at the end of Init. It programs and verifies; the variant that
/// reads with the SPI Fast Read's dummy count in DTR OPI is told `dummy-cycles`. Skipped
/// where the Swift toolchain's clang and ld.lld (which build the fixture) are absent.
@Suite("Our octal MX25LM51245G loader", .enabled(if: OctalFixture.available, "needs clang and ld.lld (Tests/Fixtures/PartLoaders/build.sh)"))
struct OctalPartLoaderTests {
    static let board = "stm32u5a9-mx25lm51245g"

    static func loader(_ name: String) throws -> LoaderFile {
        try LoaderFile(path: Repository.ensureBuilt("build/parts/\(name).stldr", by: "Tests/Fixtures/PartLoaders/build.sh"))
    }

    static func run(_ loader: String, image: FirmwareImage, verify: VerifyMode = .memoryMapped) throws -> SessionReport {
        var options = SessionOptions()
        options.board = try #require(BuiltInBoards.named(board))
        options.verify = verify
        return try ProgrammerSession(loader: Self.loader(loader), image: image, imageName: "sample.hex", options: options).run()
    }

    func expectClean(_ report: SessionReport, _ what: String) {
        #expect(report.result == "ok", "\(what)\n\(report.text())")
        #expect(!report.findings.contains { $0.severity > .note }, "\(what): \(report.findings.map { "\($0.severity) \($0.code)" })")
    }

    @Test("programs and verifies the sample image on its board with no finding above note, read back through the window and through Verify",
          arguments: [VerifyMode.memoryMapped, .loader])
    func programsTheSampleImage(verify: VerifyMode) throws {
        let report = try Self.run("mx25lm51245g_u5a9_ok", image: RealLoaderTests.sample(cutTo: 0x1_0000), verify: verify)
        expectClean(report, "sample image, verify \(verify.rawValue)")
        // It really spoke 8D-8D-8D: the last commands are octal ones, not a quad or SPI fallback.
        #expect(report.lastFlashCommands.contains { $0.contains("Octa") && $0.contains("8-8-8") }, "\(report.lastFlashCommands)")
    }

    @Test("odd starts and lengths, a partial block and data across 16 MiB: DTR programs whole words, padded with FFh")
    func programsTheTrickyImage() throws {
        expectClean(try Self.run("mx25lm51245g_u5a9_ok", image: Fixtures.trickyImage), "tricky image")
    }

    @Test("identify finds the U5A9, the octal wiring of the built-in board with DQS, and the MX25LM51245G as the only part its Init accepts")
    func identifiedAsItsBoard() throws {
        let result = LoaderIdentifier.identify(loader: try Self.loader("mx25lm51245g_u5a9_ok"))
        #expect(result.mcu == "STM32U5A9")
        #expect(result.fits == ["MX25LM51245G"], "\(result.text())")
        let identified = try #require(result.board, "\(result.text())")
        let builtIn = try #require(BuiltInBoards.named(Self.board))
        #expect(identified.isOctal && identified.pins == builtIn.pins, "\(identified.pins)")
        #expect(identified.clock.sysclkHz == 48_000_000, "SYSCLK after Init: MSIS range 0")
    }

    @Test("DTR reads with the SPI Fast Read's 8 dummy clocks while CR2 DC says 20: dummy-cycles is the first error, naming the read and both counts")
    func strDummyCyclesInDTR() throws {
        let report = try Self.run("mx25lm51245g_u5a9_str_dummy", image: RealLoaderTests.sample(cutTo: 0x1_0000))
        #expect(report.result == "failed")
        let first = try #require(report.findings.first, "\(report.text())")
        #expect(first.code == "dummy-cycles", "\(report.findings.map(\.code))\n\(report.text())")
        #expect(first.severity == .error)
        #expect(first.message.contains("Octa DTR Read EEh"), "\(first.message)")
        #expect(first.message.contains("read with 8 dummy cycles") && first.message.contains("set for 20"), "\(first.message)")
    }
}
