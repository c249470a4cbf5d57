import Board
import FirmwareImage
import Foundation
import LoaderFile
import TestSupport
import Testing
@testable import Programmer

/// One loader image, built once, made into loaders for other parts and other STM32U5 family
/// members by `make-loader` (BoardConfig v2 + StorageInfo): each learns its part from the
/// part's SFDP in Init and programs the reported image and data across 16 and 32 MiB.
@Suite("make-loader outputs across the STM32U5 family and the part catalog")
struct MakeLoaderFamilyTests {
    /// A built-in board by name, or one of Tests/Fixtures/Boards.
    static func board(_ name: String) throws -> Board {
        if let builtIn = BuiltInBoards.named(name) { return builtIn }
        return try Board.load(path: Fixtures.path("Tests/Fixtures/Boards/\(name).json"))
    }

    /// What `make-loader` writes for `board`: from the quad build, or the quad+octal build
    /// for an octal board (LoaderPatcher.defaultBasePath(for:)).
    static func loader(for board: Board, named stem: String) throws -> LoaderFile {
        _ = try Fixtures.ourLoader()
        _ = try Repository.ourOctalLoaderPath()
        let patcher = try LoaderPatcher(basePath: Fixtures.path(LoaderPatcher.defaultBasePath(for: board)))
        return try patcher.patch(board: board, outputName: stem + ".stldr").loader
    }

    func run(_ image: FirmwareImage, loader: LoaderFile, board: Board) throws -> SessionReport {
        var options = SessionOptions()
        options.board = board
        return try ProgrammerSession(loader: loader, image: image, imageName: "image.hex", options: options).run()
    }

    func expectClean(_ report: SessionReport, _ comment: String) {
        #expect(report.result == "ok", "\(comment)\n\(report.text())")
        #expect(!report.findings.contains { $0.severity > .note }, "\(comment): \(report.findings.map(\.code))")
    }

    static let sixtyFourMiBBoards = ["stm32u599-w25q512jv", "stm32u5a9-mt25ql512abb-port2"]

    @Test("The reported image and data across 16 and 32 MiB on a 64 MiB part", arguments: sixtyFourMiBBoards)
    func programsAndVerifies(_ name: String) throws {
        let board = try Self.board(name)
        let loader = try Self.loader(for: board, named: board.flash + "_" + board.mcu)
        expectClean(try run(Fixtures.reportedImage, loader: loader, board: board), "\(name) reported")
        let crossing = Fixtures.image([(0x90FF_FF80, 0x100), (0x91FF_FFC3, 0x7D), (0x9200_0100, 0x40), (0x93FF_FF00, 0x100)], seed: 21)
        expectClean(try run(crossing, loader: loader, board: board), "\(name) 16/32 MiB")
    }

    @Test("A 16 MiB part on a U545 (no OCTOSPIM): the reported image and the last sector")
    func sixteenMiBPartWithoutOCTOSPIM() throws {
        let board = try Self.board("stm32u545-w25q128jv")
        let loader = try Self.loader(for: board, named: "W25Q128JV_STM32U545")
        #expect(loader.storageInfo?.deviceSize == 16 << 20)
        expectClean(try run(Fixtures.reportedImage, loader: loader, board: board), "U545 reported")
        expectClean(try run(Fixtures.image([(0x90FF_F000, 0x1000), (0x9012_3457, 0x2345)], seed: 22), loader: loader, board: board), "U545 end")
    }

    /// A loader made for OCTOSPI2 on a U5G7 board, run on a U545 wired on the same pins
    /// (OCTOSPI1's own there): every command goes to the OCTOSPI2 the U545 lacks, nothing
    /// reaches the flash, and the absent peripheral is the error.
    @Test("An OCTOSPI2 loader on a U545: its commands go to the absent OCTOSPI2, and peripheral-not-present is the error")
    func octospi2LoaderOnAU545() throws {
        let loader = try Self.loader(for: try Self.board("stm32u5g7-is25lp512m-octospi2"), named: "IS25LP512M_OCTOSPI2")
        var board = try #require(BuiltInBoards.named("stm32u5g7-is25lp512m"))
        board.name = "u545-is25lp512m-pa2"
        board.mcu = "STM32U545"
        try board.validate(file: board.name)
        let report = try run(Fixtures.image([(0x7000_0000, 0x1000)], seed: 24), loader: loader, board: board)
        #expect(report.result != "ok")
        let errors = report.findings.filter { $0.severity > .note }
        #expect(errors.map(\.code) == ["peripheral-not-present"], "\(report.findings.map { "\($0.severity) \($0.code)" })")
        #expect(errors.first?.message.contains("OCTOSPI2") == true && errors.first?.message.contains("went through") == false,
                "\(errors.first?.message ?? "")")
    }

    @Test("The W25Q512 loader on an IS25LP512M wired the same way: the part's SFDP decides")
    func sfdpDecidesThePart() throws {
        let loader = try Self.loader(for: try Self.board("stm32u599-w25q512jv"), named: "W25Q512JV_STM32U599")
        let board = try Self.board("stm32u599-is25lp512m")
        let report = try run(Fixtures.image([(0x9000_0000, 0x4_0000), (0x91FF_FFC3, 0x7D)], seed: 23), loader: loader, board: board)
        expectClean(report, "W25Q512 loader on IS25LP512M")
    }

    @Test("The quad build refuses an octal board by name rather than give a loader whose Init returns 0")
    func quadBaseRefusesOctal() throws {
        let board = try Self.board("stm32u5a9-mx25lm51245g")
        _ = try Fixtures.ourLoader()
        let quad = try LoaderPatcher(basePath: Fixtures.path(LoaderPatcher.defaultBasePath))
        #expect(throws: LoaderPatchError.self) { _ = try quad.patch(board: board, outputName: "MX25LM51245G_STM32U5A9.stldr") }
        #expect(LoaderPatcher.defaultBasePath(for: board) == LoaderPatcher.octalBasePath)
    }

    @Test("MX25LM51245G in octal DTR on the U5A9 wiring of the public MX25LM loader: the reported image, data across 16 and 32 MiB")
    func octalProgramsAndVerifies() throws {
        let board = try Self.board("stm32u5a9-mx25lm51245g")
        let loader = try Self.loader(for: board, named: "MX25LM51245G_STM32U5A9")
        #expect(loader.storageInfo?.deviceSize == 64 << 20)
        expectClean(try run(Fixtures.reportedImage, loader: loader, board: board), "MX25LM reported")
        // 0x91FF_FFC3 starts on an odd byte and 0x9300_0100 + 0x21 ends on one: DTR programs
        // 16-bit words, so both ends go out padded with FFh.
        let crossing = Fixtures.image([(0x90FF_FF80, 0x100), (0x91FF_FFC3, 0x7D), (0x9200_0100, 0x40), (0x9300_0100, 0x21),
                                       (0x93FF_FF00, 0x100)], seed: 24)
        expectClean(try run(crossing, loader: loader, board: board), "MX25LM 16/32 MiB")
    }

    @Test("MX25LM51245G on the B-U585I-IOT02A wiring (OCTOSPI2, OCTOSPIM port 2, window 0x7000_0000): data at both ends and across 32 MiB")
    func octalOnOCTOSPI2Port2() throws {
        let board = try Self.board("stm32u585-mx25lm51245g")
        let loader = try Self.loader(for: board, named: "MX25LM51245G_STM32U585")
        #expect(loader.storageInfo?.deviceStartAddress == 0x7000_0000)
        let image = Fixtures.image([(0x7000_0000, 0x1_0000), (0x71FF_FFC3, 0x7D), (0x73FF_FF00, 0x100)], seed: 26)
        expectClean(try run(image, loader: loader, board: board), "MX25LM on OCTOSPI2")
    }

    @Test("The quad+octal image as built is make-loader's output for its own board: BoardConfig and StorageInfo")
    func octalImageIsItsBoardsOutput() throws {
        let board = try Self.board("stm32u5a9-mx25lm51245g")
        let base = try LoaderPatcher(basePath: Repository.ourOctalLoaderPath())
        let patched = try base.patch(board: board, outputName: "MX25LM51245G_STM32U5A9.stldr")
        let differing = zip(patched.bytes, base.baseBytes).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
        #expect(patched.bytes.count == base.baseBytes.count && differing.isEmpty, "bytes differ at file offsets \(differing.prefix(8))")
        #expect(patched.boardConfig.flags & BoardConfigBlock.flagOctal != 0)
    }

    @Test("The quad+octal build drives a quad part like the quad build: its SFDP decides")
    func octalBuildServesQuad() throws {
        let board = try Self.board("stm32u599-w25q512jv")
        _ = try Repository.ourOctalLoaderPath()
        let patcher = try LoaderPatcher(basePath: Fixtures.path(LoaderPatcher.octalBasePath))
        let loader = try patcher.patch(board: board, outputName: "W25Q512JV_STM32U599.stldr").loader
        expectClean(try run(Fixtures.image([(0x9000_0000, 0x1_0000), (0x91FF_FFC3, 0x7D)], seed: 25), loader: loader, board: board), "octal build on W25Q512JV")
    }

    static let everyOutput = ["stm32u5g7-is25lp512m", "stm32u599-w25q512jv", "stm32u545-w25q128jv", "stm32u5a9-mt25ql512abb-port2", "stm32u5a9-mx25lm51245g",
                              "stm32u585-mx25lm51245g"]

    @Test("identify on each make-loader output names its board back: MCU, OCTOSPI instance and port, pins, part", arguments: everyOutput)
    func identifyNamesTheBoardBack(_ name: String) throws {
        let board = try Self.board(name)
        let loader = try Self.loader(for: board, named: board.flash + "_" + board.mcu)
        let result = LoaderIdentifier.identify(loader: loader)
        #expect(result.mcu == board.mcu, "\(name): \(result.mcuReason)")
        #expect(result.chosenPart == board.flash, "\(name): fits \(result.fits)")
        #expect(result.confirmed, "\(name): \(result.boardProblem ?? "not confirmed")")
        let found = try #require(result.board, "\(name): \(result.boardProblem ?? "no board")")
        #expect(found.octospi.instance == board.octospi.instance && found.octospi.port == board.octospi.port, "\(name): \(found.octospi)")
        #expect(found.pins == board.pins, "\(name): identify found \(found.pins.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value.pin)" })")
        #expect(found.flash == board.flash)
    }
}
