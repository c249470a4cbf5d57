import Board
import FirmwareImage
import Foundation
import LoaderFile
import NORFlash
import Testing
import TestSupport
@testable import Programmer

/// Third-party loaders known to program real boards (../shared/real-loaders, README there),
/// run unchanged: `identify` finds their board, the board it writes programs and verifies,
/// and on the wrong flash the wrong part is named. Skipped where the folder is absent.
@Suite("Real loaders from outside the project")
struct RealLoaderTests {
    static let folder = Repository.root.deletingLastPathComponent().appendingPathComponent("shared/real-loaders")
    static let w25q512 = "CLIVEONE-W25Q512_STM32U599-PB10-PA2-PE12-PB0-PE14-PE15.stldr"
    static let w25q128 = "CLIVEONE-W25Q128_STM32U545-PB10-PA4-PB1-PB0-PA7-PA6.stldr"
    static let mx25lm = "MX25LM51245G_STM32U5A9_PQ.stldr"
    static var present: Bool { FileManager.default.fileExists(atPath: folder.appendingPathComponent(w25q512).path) }

    static func loader(_ name: String) throws -> LoaderFile {
        try LoaderFile(path: folder.appendingPathComponent(name).path)
    }

    /// The sample image (16 KiB of MCU flash and 784 KiB at 0x9000_0000), its external part
    /// cut to `bytes` (a 64 KiB erase block keeps the debug-build run short; every part of
    /// the catalog holds it).
    static func sample(cutTo bytes: Int) -> FirmwareImage {
        let full = SampleImage.make()
        return FirmwareImage(segments: full.segments.map { s in
            s.address >= 0x9000_0000 ? Segment(address: s.address, bytes: Array(s.bytes.prefix(bytes))) : s
        })
    }

    /// identify, then the board file it writes read back as `program --board FILE` reads it.
    static func identifiedBoard(_ loader: LoaderFile) throws -> (LoaderIdentification, Board) {
        let result = LoaderIdentifier.identify(loader: loader)
        let board = try #require(result.board, "\(result.text())")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("identified-\(UUID().uuidString).json")
        try board.jsonText().write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        return (result, try Board.load(path: file.path))
    }

    /// A session of the cut sample with every hardware event written to a trace, for the
    /// fast-path comparisons.
    static func traced(_ name: String, options base: SessionOptions, fastPaths: Bool) throws -> ExactnessTests.Outcome {
        var options = base
        options.fastPaths = fastPaths
        options.hostSecondsPerCall = 900
        let session = try ProgrammerSession(loader: loader(name), image: sample(cutTo: 0x1_0000), imageName: "sample.hex", options: options)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("real-exact-\(UUID().uuidString).trace").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let report = session.run(traceSink: try TraceSink(path: path))
        return ExactnessTests.Outcome(report: report, events: try String(contentsOfFile: path, encoding: .utf8))
    }

    func program(_ loader: LoaderFile, board: Board, image: FirmwareImage, verify: VerifyMode = .memoryMapped) throws -> SessionReport {
        var options = SessionOptions()
        options.board = board
        options.verify = verify
        // Debug builds on a loaded machine: the HAL loader polls the flash in software
        // through a 220 ms block erase; the guard stays, only wider.
        options.hostSecondsPerCall = 900
        return try ProgrammerSession(loader: loader, image: image, imageName: "sample.hex", options: options).run()
    }

    func expectClean(_ report: SessionReport, _ what: String) {
        #expect(report.result == "ok", "\(what)\n\(report.text())")
        #expect(!report.findings.contains { $0.severity > .note }, "\(what): \(report.findings.map { "\($0.severity) \($0.code)" })")
    }

    @Test("W25Q512 loader for the U599: identify finds the U599, port 1 quad wiring and the W25Q parts; its board programs and verifies",
          .enabled(if: present))
    func w25q512OnItsIdentifiedBoard() throws {
        let loader = try Self.loader(Self.w25q512)
        let (result, board) = try Self.identifiedBoard(loader)
        #expect(result.mcu == "STM32U599")
        #expect(result.firstProbe?.jedecID == [0x9D, 0x60, 0x1A], "on the default part it reads the ISSI ID and gives up")
        #expect(result.firstProbe?.succeeded == false)
        #expect(result.fits.contains("W25Q512JV") && !result.fits.contains("IS25LP512M"), "\(result.fits)")
        #expect(board.flash == "W25Q512JV" && board.mcu == "STM32U599" && result.confirmed)
        #expect(board.pins[.clk]?.pin == Pin("PB10") && board.pins[.ncs]?.pin == Pin("PA2") && board.pins[.io0]?.pin == Pin("PE12"))
        #expect(board.pins[.io1]?.pin == Pin("PB0") && board.pins[.io2]?.pin == Pin("PE14") && board.pins[.io3]?.pin == Pin("PE15"))
        #expect(loader.storageInfo?.deviceType == 7, "SPI_FLASH: the programmer reads back through its Read")
        let report = try program(loader, board: board, image: Self.sample(cutTo: 0x1_0000))
        expectClean(report, "W25Q512 on its board")
        #expect(report.calls.contains { $0.function == "Read" })
    }

    @Test("W25Q128 loader for the U545 (no OCTOSPIM, NCS on PA4 AF3): identified and programmed on its board", .enabled(if: present))
    func w25q128OnItsIdentifiedBoard() throws {
        let loader = try Self.loader(Self.w25q128)
        let (result, board) = try Self.identifiedBoard(loader)
        #expect(result.mcu == "STM32U545")
        #expect(board.flash == "W25Q128JV" && result.confirmed, "\(result.text())")
        #expect(board.pins[.ncs] == Board.PinAssignment(pin: Pin("PA4")!, af: 3))
        #expect(board.pins[.io0]?.pin == Pin("PB1") && board.pins[.io3]?.pin == Pin("PA6"))
        let report = try program(loader, board: board, image: Self.sample(cutTo: 0x1_0000))
        expectClean(report, "W25Q128 on its board")
    }

    @Test("MX25LM51245G loader for the U5A9 (HAL, octal DTR, DQS, DLYB): identified as octal on port 1 and programmed on its board",
          .enabled(if: present))
    func mx25lmOnItsIdentifiedBoard() throws {
        let loader = try Self.loader(Self.mx25lm)
        let (result, board) = try Self.identifiedBoard(loader)
        #expect(result.mcu == "STM32U5A9")
        #expect(result.fits == ["MX25LM51245G"], "\(result.text())")
        #expect(board.isOctal && board.pins[.dqs]?.pin == Pin("PA1") && board.pins[.clk] == Board.PinAssignment(pin: Pin("PF10")!, af: 3))
        #expect(board.pins[.io7] == Board.PinAssignment(pin: Pin("PC0")!, af: 3))
        // ST's U5 BSP loaders leave memory-mapped mode off after Write and turn it on in their
        // Verify (cubeprogrammer-loader.md §2): programmed with "verify while programming".
        let report = try program(loader, board: board, image: Self.sample(cutTo: 0x1_0000), verify: .loader)
        expectClean(report, "MX25LM51245G on its board")
        #expect(report.calls.contains { $0.function == "Verify" && $0.result.map { $0 & 0xFFFF_FFFF == 0 } == true })
        // The programmer's own read-back is an operation of its own (download + Init, which
        // leaves memory-mapped mode on), so the window read needs no help from Write.
        let mapped = try program(loader, board: board, image: Self.sample(cutTo: 0x1_0000), verify: .memoryMapped)
        expectClean(mapped, "MX25LM51245G on its board, read back through the window")
        #expect(mapped.calls.last?.function == "Init", "the read-back operation's Init comes last")
    }

    @Test("ST's MX25LM loader stopped by the lab's budget: its SCB->VTOR literal did not decide the failure, so it is a note",
          .enabled(if: present))
    func interruptHeuristicRefutedByTheRun() throws {
        let loader = try Self.loader(Self.mx25lm)
        #expect(loader.lint().contains { $0.code == "vtor-write" && $0.severity == .warning })
        var options = SessionOptions()
        options.board = try #require(BuiltInBoards.named("stm32u5a9-mx25lm51245g"))
        options.maxInstructionsPerCall = 20_000
        let report = try ProgrammerSession(loader: loader, image: Self.sample(cutTo: 0x100), imageName: "sample.hex", options: options).run()
        #expect(report.result == "failed")
        #expect(report.findings.first?.code == "timeout", "\(report.findings.map(\.code))")
        let vtor = try #require(report.findings.first { $0.code == "vtor-write" }, "\(report.findings.map(\.code))")
        #expect(vtor.severity == .note)
    }

    @Test("The W25Q512 loader on the default IS25LP512M board: flash-part-mismatch is the first error and the only one",
          .enabled(if: present))
    func w25q512OnTheDefaultBoard() throws {
        let loader = try Self.loader(Self.w25q512)
        let report = try program(loader, board: .defaultBoard, image: Self.sample(cutTo: 0x1_0000))
        #expect(report.result == "failed")
        let errors = report.findings.filter { $0.severity == .error }
        #expect(errors.first?.code == "flash-part-mismatch", "\(report.text())")
        let mismatch = try #require(errors.first)
        #expect(mismatch.message.contains("9D 60 1A") && mismatch.message.contains("IS25LP512M") && mismatch.message.contains("W25Q512JV"))
        #expect(errors.count == 1, "\(errors.map(\.code))")
        // Its writes of 0 to OCTOSPI1 before the clock is on change nothing: at most a note.
        #expect(report.findings.first { $0.code == "peripheral-clock-disabled" }.map { $0.severity == .note } ?? true)
    }

    /// Left in QPI by an earlier run, the flash ignores the loader's 1-line reset, status and
    /// ID commands; the loader polls its status in software and never returns. The cause is
    /// named, not only the timeout (Init limited to 2 s of device time to keep the run short).
    @Test("The W25Q512 loader with the flash left in QPI: flash-mode-mismatch, not only a timeout", .enabled(if: present))
    func w25q512WithTheFlashLeftInQPI() throws {
        var options = SessionOptions()
        options.board = try #require(BuiltInBoards.named("stm32u599-w25q512jv"))
        options.leftoverFlashModes = [.qpi]
        options.timeouts.initialize = .seconds(2)
        options.hostSecondsPerCall = 900
        let report = try ProgrammerSession(loader: Self.loader(Self.w25q512), image: Self.sample(cutTo: 0x1_0000), imageName: "sample.hex",
                                           options: options).run()
        #expect(report.result == "failed")
        let errors = report.findings.filter { $0.severity == .error }
        #expect(errors.map(\.code) == ["flash-mode-mismatch"], "\(report.text())")
        #expect(errors.first?.message.contains("FFh on 4 lines") ?? false, "\(errors.first?.message ?? "")")
        #expect(errors.first?.call == "Init")
    }

    @Test("The U599's W25Q512 loader on a U545 board: the OCTOSPIM it configures is not there, and the finding says so",
          .enabled(if: present))
    func u599LoaderOnAU545() throws {
        let loader = try Self.loader(Self.w25q512)
        var board = try #require(BuiltInBoards.named("stm32u599-w25q512jv"))
        board.name = "u545-w25q512jv"
        board.mcu = "STM32U545"
        try board.validate(file: board.name)
        let report = try program(loader, board: board, image: Self.sample(cutTo: 0x1_0000))
        let finding = try #require(report.findings.first { $0.code == "peripheral-not-present" }, "\(report.findings.map(\.code))")
        #expect(finding.message.contains("OCTOSPIM") && finding.message.contains("STM32U545"), "\(finding.message)")
        // Without an OCTOSPIM the pins are OCTOSPI1's own: the session itself works, so it is a note.
        #expect(report.result == "ok" && finding.severity == .note, "\(report.text())")
    }

    /// The same loader on the built-in U545 board, whose flash sits on other pins (NCS PA4,
    /// IO0 PB1): Init fails because the flash sees nothing on those pins. The absent OCTOSPIM
    /// and OCTOSPI2 are still touched but did not decide it (its commands went through
    /// OCTOSPI1): a note, not a second error.
    @Test("The U599's W25Q512 loader on the U545 W25Q128 board: pins-not-routed is the error, the absent OCTOSPIM a note",
          .enabled(if: present))
    func u599LoaderOnTheU545Board() throws {
        let loader = try Self.loader(Self.w25q512)
        let board = try #require(BuiltInBoards.named("stm32u545-w25q128jv"))
        let report = try program(loader, board: board, image: Self.sample(cutTo: 0x1_0000))
        #expect(report.result != "ok")
        let errors = report.findings.filter { $0.severity > .note }
        #expect(errors.map(\.code) == ["pins-not-routed"], "\(report.findings.map { "\($0.severity) \($0.code)" })")
        let pins = try #require(errors.first)
        #expect(pins.message.contains("PA4 (NCS)") && pins.message.contains("no OCTOSPIM") && !pins.message.contains("OCTOSPIM_PCR"),
                "\(pins.message)")
        let absent = try #require(report.findings.first { $0.code == "peripheral-not-present" })
        #expect(absent.severity == .note && absent.message.contains("went through OCTOSPI1"), "\(absent.message)")
    }

    /// ST's MX25LM loader waits on the flash in software (its BSP's GetStatus, 05h and 2Bh in
    /// turn): folding those waits (`WaitLoopFold`) and the other fast paths give the run
    /// instruction by instruction. The W25Q512 loader waits by auto-polling (nothing to fold).
    @Test("Real loaders: the same events, calls, device time and findings with and without the fast paths",
          .enabled(if: present), arguments: [(mx25lm, "stm32u5a9-mx25lm51245g"), (w25q512, "stm32u599-w25q512jv")])
    func fastPathsAreExact(name: String, boardName: String) throws {
        var options = SessionOptions()
        options.board = try #require(BuiltInBoards.named(boardName))
        let fast = try Self.traced(name, options: options, fastPaths: true)
        let slow = try Self.traced(name, options: options, fastPaths: false)
        #expect(fast.report.result == "ok", "\(fast.report.text())")
        #expect((fast.report.timing.foldedInstructions > 0) == (name == Self.mx25lm), "\(name): \(fast.report.timing.foldedInstructions) folded")
        ExactnessTests.expectSame(fast, slow, name)
    }

    /// On a board whose pins it does not route, ST's MX25LM loader waits in Init for an
    /// auto-poll the flash never answers, `HAL_GetTick` against a 5 s timeout, until the
    /// instruction budget stops it: the fold takes the stuck loop and stops at the same
    /// instruction, with the same events and the same finding.
    @Test("ST's MX25LM loader stuck in Init on the default board: folded, stopped where the unfolded run stops",
          .enabled(if: present))
    func stuckInitIsFoldedExactly() throws {
        var options = SessionOptions()
        options.maxInstructionsPerCall = 12_000_000
        let fast = try Self.traced(Self.mx25lm, options: options, fastPaths: true)
        let slow = try Self.traced(Self.mx25lm, options: options, fastPaths: false)
        let initCall = try #require(fast.report.calls.first, "\(fast.report.text())")
        #expect(initCall.function == "Init" && initCall.outcome == "budget-exhausted", "\(fast.report.text())")
        #expect(fast.report.findings.first?.code == "pins-not-routed", "\(fast.report.findings.map(\.code))")
        #expect(fast.report.timing.foldedInstructions > 10_000_000, "\(fast.report.timing.foldedInstructions) folded")
        ExactnessTests.expectSame(fast, slow, "MX25LM on the default board")
    }
}
