import Board
import FirmwareImage
import Foundation
import LoaderFile
import TestSupport
import Testing
@testable import Programmer

/// The two public Winbond loaders of `../shared/real-loaders/` (README there), run against
/// the catalog's W25Q512JV and W25Q128JV on a U5G7 stand-in with their own wiring: the
/// flash model must let loaders that program real chips program and verify. Skipped when the
/// folder is absent.
private let realW25Q512 = "../shared/real-loaders/CLIVEONE-W25Q512_STM32U599-PB10-PA2-PE12-PB0-PE14-PE15.stldr"
private let realW25Q128 = "../shared/real-loaders/CLIVEONE-W25Q128_STM32U545-PB10-PA4-PB1-PB0-PA7-PA6.stldr"
private func realLoaderPresent(_ relative: String) -> Bool {
    FileManager.default.fileExists(atPath: Repository.path(relative))
}

@Suite("Real Winbond loaders on the catalog parts")
struct RealWinbondLoaderTests {
    static func run(_ relative: String, board: Board, image: FirmwareImage = Fixtures.trickyImage) throws -> SessionReport {
        var options = BrokenLoaderCorpusTests.options
        options.board = board
        return try ProgrammerSession(loader: LoaderFile(path: Repository.path(relative)), image: image,
                                     imageName: "tricky.hex", options: options).run()
    }

    @Test("W25Q512 (B7h then 3-byte opcodes 02h/D8h/3Bh): programs and verifies on a W25Q512JV",
          .enabled(if: realLoaderPresent(realW25Q512)))
    func w25q512() throws {
        var board = Board.defaultBoard
        board.flash = "W25Q512JV"
        let report = try Self.run(realW25Q512, board: board)
        #expect(report.result == "ok", "\(report.text())")
        #expect(!report.findings.contains { $0.severity > .note }, "\(report.findings.map(\.code))")
    }

    @Test("W25Q128 (16 MiB, 3-byte addressing): programs and verifies on a W25Q128JV wired as its author says",
          .enabled(if: realLoaderPresent(realW25Q128)))
    func w25q128() throws {
        let json = """
            {"schema":1,"name":"w25q128-stand-in","mcu":"STM32U5G7","flash":"IS25LP512M","octospi":{"instance":1,"port":1},
             "pins":{"ncs":{"pin":"PA4","af":3},"clk":{"pin":"PB10","af":10},"io0":{"pin":"PB1","af":10},
             "io1":{"pin":"PB0","af":10},"io2":{"pin":"PA7","af":10},"io3":{"pin":"PA6","af":10}},
             "clock":{"sysclkHz":160000000,"octospiDivider":2}}
            """
        var board = try Board.decode(Data(json.utf8), file: "w25q128-stand-in")
        board.flash = "W25Q128JV"
        // The tricky image cut to fit 16 MiB: an unaligned start and the last 256 bytes.
        let report = try Self.run(realW25Q128, board: board, image: Fixtures.image([(0x9000_1003, 0x2_1235), (0x90FF_FF00, 0x100)]))
        #expect(report.result == "ok", "\(report.text())")
        #expect(!report.findings.contains { $0.severity > .note }, "\(report.findings.map(\.code))")
    }
}
