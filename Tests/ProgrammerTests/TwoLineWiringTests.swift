import Board
import Foundation
import LoaderFile
import NORFlash
import TestSupport
import Testing
@testable import Programmer

/// A quad part wired "dual on OCTO" (the public CLIVEONE-W25Q128_STM32U599-PF4-PC11-PD4-PD5
/// loader's board): CLK on OCTOSPIM port 2 (PF4), NCS on port 1 (PC11), the flash's IO0/IO1 on
/// port 1's IO4/IO5 pins (PD4, PD5) fed from OCTOSPI1 IO[3:0] by PCR1.IOHSRC, IO2/IO3 not wired.
/// The fixture (Tests/Fixtures/PartLoaders, WIRING_DUAL) is written from RM0456's OCTOSPIM
/// description, not from that loader.
@Suite("A flash on two lines across both OCTOSPIM ports")
struct TwoLineWiringTests {
    static func board() throws -> Board {
        try Board.load(path: Fixtures.path("Tests/Fixtures/Boards/stm32u599-w25q512jv-dual-crossport.json"))
    }

    static func run(_ loader: String, board: Board) throws -> SessionReport {
        var options = BrokenLoaderCorpusTests.options
        options.board = board
        return try ProgrammerSession(loader: PartLoaderTests.loader(loader), image: Fixtures.trickyImage, imageName: "tricky.hex",
                                     options: options).run()
    }

    static func errors(_ report: SessionReport) -> [String] {
        report.findings.filter { $0.severity == .error }.map(\.code)
    }

    @Test("The board file is valid: each pin carries its signal on the port its AF selects, and IO2/IO3 may be absent together")
    func boardValidates() throws {
        let board = try Self.board()
        #expect(board.carrier(of: .clk)?.port == 2)
        #expect(board.carrier(of: .ncs)?.port == 1)
        #expect(board.carrier(of: .io0)?.signal == .io4)
        #expect(board.carrier(of: .io1)?.signal == .io5)
        #expect(board.wiredPorts == [1, 2])
        #expect(!board.wiresQuadData && !board.isWiredInOrderOnOnePort)
        var oneMissing = board
        oneMissing.pins[.io2] = .init(pin: Pin("PE14")!, af: 10)
        #expect(throws: BoardError.missingPin(file: "b.json", signal: .io3)) { try oneMissing.validate(file: "b.json") }
        // The chip select must be on `octospi.port` (PC11 is a port-1 NCS only).
        var ncsElsewhere = board
        ncsElsewhere.octospi.port = 2
        #expect(throws: BoardError.self) { try ncsElsewhere.validate(file: "b.json") }
        // IO0 on a port line of another position (PD5 is IO5) cannot carry it.
        var swapped = board
        swapped.pins[.io0] = .init(pin: Pin("PD5")!, af: 10)
        swapped.pins[.io1] = .init(pin: Pin("PD4")!, af: 10)
        #expect(throws: BoardError.self) { try swapped.validate(file: "b.json") }
    }

    @Test("The loader for that wiring programs and verifies on it with no finding above note, reading over two lines")
    func programsOnItsBoard() throws {
        let report = try Self.run("w25q512jv_dual_crossport", board: Self.board())
        #expect(report.result == "ok", "\(report.text())")
        #expect(!report.findings.contains { $0.severity > .note }, "\(report.findings.map(\.code))")
        #expect(report.lastFlashCommands.contains { $0.contains("12h 1-1-1") }, "\(report.lastFlashCommands)")
        #expect(report.lastFlashCommands.contains { $0.contains("3Ch 1-1-2") }, "\(report.lastFlashCommands)")
    }

    @Test("The same loader on the quad board of its MCU: pins-not-routed is the one error, naming the quad board's pins")
    func dualLoaderOnAQuadBoard() throws {
        let report = try Self.run("w25q512jv_dual_crossport", board: BuiltInBoards.named("stm32u599-w25q512jv")!)
        #expect(report.result == "failed")
        #expect(Self.errors(report) == ["pins-not-routed"], "\(report.text())")
        #expect(report.findings[0].message.contains("PB10 (CLK)") && report.findings[0].message.contains("PA2 (NCS)"), "\(report.findings[0].message)")
    }

    @Test("Routing port 1's IO[3:0] (IOLEN) as on a quad board leaves the flash's IO0/IO1 on PD4/PD5 silent: pins-not-routed names them and IOHSRC")
    func lowNibbleRoutedInstead() throws {
        let report = try Self.run("w25q512jv_dual_iol_only", board: Self.board())
        #expect(report.result == "failed")
        #expect(Self.errors(report) == ["pins-not-routed"], "\(report.text())")
        let finding = report.findings[0]
        #expect(finding.message.contains("PD4 (IO0), PD5 (IO1)") && finding.message.contains("OCTOSPIM ports 1 and 2"), "\(finding.message)")
        #expect(finding.evidence.contains { $0.contains("IOHEN/IOHSRC: port IO4 from OCTOSPI1 IO[3:0]") }, "\(finding.evidence)")
    }

    @Test("A quad loader on the two-line board: pins-not-routed, naming the board's pins the loader did not configure")
    func quadLoaderOnTheTwoLineBoard() throws {
        let report = try Self.run("w25q512jv_ok", board: Self.board())
        #expect(report.result == "failed")
        #expect(Self.errors(report) == ["pins-not-routed"], "\(report.text())")
        #expect(report.findings[0].message.contains("PF4 (CLK)"), "\(report.findings[0].message)")
    }

    @Test("Quad page programs on the two-line board: pins-not-routed says the board has no IO2/IO3; QE = 0 is only a note there")
    func quadProgramOnTheTwoLineBoard() throws {
        let report = try Self.run("w25q512jv_dual_quad_program", board: Self.board())
        #expect(report.result == "failed")
        #expect(Self.errors(report) == ["pins-not-routed", "verify-mismatch"], "\(report.text())")
        #expect(report.findings[0].message.contains("over IO2 and IO3, which this board does not wire"), "\(report.findings[0].message)")
        #expect(report.findings.first { $0.code == "quad-not-enabled" }?.severity == .note, "\(report.findings.map(\.code))")
    }

    @Test("identify finds the chip select and data lines on port 1 (IO4/IO5 pins), the clock on port 2, no IO2/IO3, and its board programs")
    func identifyWritesTheBoard() throws {
        let result = LoaderIdentifier.identify(loader: try PartLoaderTests.loader("w25q512jv_dual_crossport"), mcu: "STM32U599")
        let board = try #require(result.board, "\(result.text())")
        #expect(board.pins == (try Self.board()).pins, "\(result.text())")
        #expect(board.flash == "W25Q512JV")
        let text = result.text()
        #expect(text.contains("PD4   AF10  IO0  (OCTOSPIM port 1 IO4)"), "\(text)")
        #expect(text.contains("OCTOSPIM ports 1 and 2, one or two data lines"), "\(text)")
        let report = try Self.run("w25q512jv_dual_crossport", board: board)
        #expect(report.result == "ok", "\(report.text())")
    }

    @Test("make-loader refuses a two-line board and a board across ports: our loader programs over four lines through one port")
    func makeLoaderRefuses() throws {
        let board = try Self.board()
        _ = try Fixtures.ourLoader()
        let patcher = try LoaderPatcher(basePath: Fixtures.path(LoaderPatcher.defaultBasePath(for: board)))
        #expect { _ = try patcher.patch(board: board, outputName: "dual.stldr", boardFile: "dual.json") } throws: { error in
            "\(error)".contains("wires only the flash's IO0 and IO1")
        }
        var quad = board
        quad.pins[.io2] = .init(pin: Pin("PE14")!, af: 10)
        quad.pins[.io3] = .init(pin: Pin("PE15")!, af: 10)
        try quad.validate(file: "quad.json")
        #expect { _ = try patcher.patch(board: quad, outputName: "quad.stldr", boardFile: "quad.json") } throws: { error in
            "\(error)".contains("CLK on PF4 (port 2 CLK)") && "\(error)".contains("IO0 on PD4 (port 1 IO4)")
        }
    }
}
