import Board
import ELF
import Foundation
import Testing
@testable import LoaderFile

/// `LoaderPatcher` on the firmware's built loader and the example boards in `Boards/`.
@Suite struct LoaderPatcherTests {
    static let exampleBoards = [
        "stm32u5g7-is25lp512m-alt-pins.json",
        "stm32u5g7-is25lp512m-porte.json",
        "stm32u5g7-is25lp512m-octospi2.json",
    ]

    static func board(_ file: String) throws -> Board {
        try Board.load(path: FirmwareLoader.boardsDirectory.appendingPathComponent(file).path)
    }

    static func patcher() throws -> LoaderPatcher {
        LoaderPatcher(baseBytes: try FirmwareLoader.bytes(), baseName: "IS25LP512M_STM32U5G7.stldr")
    }

    /// The board as the block must hold it: (port index, pin, AF, pull-up) per signal.
    static func expectedPins(_ board: Board) -> [[Int]] {
        FlashSignal.quad.map { signal in
            let a = board.pins[signal]
            return [a?.pin.port ?? -1, a?.pin.number ?? -1, a?.af ?? -1, [.ncs, .io2, .io3].contains(signal) ? 1 : 0]
        }
    }

    @Test(arguments: exampleBoards)
    func exampleBoardPassesBoardValidation(file: String) throws {
        let board = try Self.board(file)
        #expect(board.name + ".json" == file)
    }

    @Test(arguments: exampleBoards)
    func patchedLoaderLintsCleanAndCarriesTheBoard(file: String) throws {
        let board = try Self.board(file)
        let output = "U5G7_" + board.name + ".stldr"
        let patched = try Self.patcher().patch(board: board, outputName: "/tmp/somewhere/" + output, boardFile: file)

        // Read back from the bytes alone, not from what the patcher says it wrote.
        let loader = try LoaderFile(bytes: patched.bytes, name: output)
        let findings = loader.lint()
        #expect(findings.filter { $0.severity != .note }.isEmpty, "\(findings.map { $0.rendered(file: output) })")

        let symbol = try #require(loader.elf.symbol(named: "BoardConfig"))
        let offset = try #require(loader.elf.fileOffset(of: symbol))
        let block = try BoardConfigBlock(decoding: Array(patched.bytes[offset..<(offset + 48)]), file: output, fileOffset: offset)
        #expect(block.pins.map { [Int($0.gpioPort), Int($0.pin), Int($0.alternateFunction), Int($0.flags)] } == Self.expectedPins(board))
        #expect(Int(block.instance) == board.octospi.instance && Int(block.port) == board.octospi.port)
        #expect(block.sysclkHz == board.clock.sysclkHz && Int(block.octospiDivider) == board.clock.octospiDivider)

        let info = try #require(loader.storageInfo)
        #expect(info.deviceName == "U5G7_" + board.name)
        #expect(info.deviceName == loader.fileStem)
        #expect(info.deviceStartAddress == (board.octospi.instance == 2 ? 0x7000_0000 : 0x9000_0000))
        #expect(info.deviceSize == 0x400_0000 && info.pageSize == 0x100 && info.eraseValue == 0xFF)
        #expect(info.usedSectors == [.init(count: 16384, size: 0x1000)])
    }

    @Test(arguments: exampleBoards)
    func onlyTheTwoPatchedRangesDiffer(file: String) throws {
        let base = try FirmwareLoader.bytes()
        let patched = try Self.patcher().patch(board: try Self.board(file), outputName: "Other.stldr", boardFile: file)
        #expect(patched.bytes.count == base.count)
        let changed = zip(base, patched.bytes).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
        let outside = changed.filter { !patched.boardConfigRange.contains($0) && !patched.storageInfoRange.contains($0) }
        #expect(outside.isEmpty, "bytes changed outside BoardConfig and StorageInfo at \(outside.prefix(8).map { hex($0) })")
        #expect(changed.contains { patched.boardConfigRange.contains($0) })  // the wiring really changed
        #expect(patched.boardConfigRange.count == 48 && patched.storageInfoRange.count == 200)
    }

    @Test func theDefaultBoardUnderTheBaseNameReproducesTheBaseExactly() throws {
        let patched = try Self.patcher().patch(board: .defaultBoard, outputName: "IS25LP512M_STM32U5G7.stldr")
        #expect(patched.bytes == (try FirmwareLoader.bytes()))
    }

    // MARK: Refusals

    @Test func aBaseWithoutBoardConfigIsNotALoaderLabLoader() throws {
        let foreign = LoaderFixture().build()  // an ST-style loader: StorageInfo and entry points only
        let patcher = LoaderPatcher(baseBytes: foreign, baseName: "st.stldr")
        #expect(throws: LoaderPatchError.notALoaderLabLoader(file: "st.stldr", reason: "the symbol table defines no BoardConfig")) {
            try patcher.patch(board: .defaultBoard, outputName: "mine.stldr")
        }
        do {
            _ = try patcher.patch(board: .defaultBoard, outputName: "mine.stldr")
        } catch {
            #expect(error.description.hasPrefix("st.stldr is not a LoaderLab loader: no BoardConfig v1 block"))
        }
    }

    @Test func aBaseWhoseBoardConfigFailsItsCRCIsRefusedWithTheOffset() throws {
        var bytes = try FirmwareLoader.bytes()
        let elf = try ELFFile(bytes: bytes, name: "b")
        let offset = try #require(elf.symbol(named: "BoardConfig").flatMap { elf.fileOffset(of: $0) })
        bytes[offset + 0x08] ^= 0xFF
        do {
            _ = try LoaderPatcher(baseBytes: bytes, baseName: "b.stldr").patch(board: .defaultBoard, outputName: "x.stldr")
            Issue.record("patched a base with a corrupt BoardConfig")
        } catch {
            guard case .notALoaderLabLoader(let file, let reason) = error else {
                Issue.record("wrong error: \(error)")
                return
            }
            #expect(file == "b.stldr")
            #expect(reason.contains("CRC-32 at file offset \(hex(offset + 0x2C))"))
        }
    }

    @Test func aBaseThatIsNotAnELFIsRefused() {
        #expect(throws: LoaderPatchError.self) {
            try LoaderPatcher(baseBytes: Array("hello".utf8), baseName: "t.txt").patch(board: .defaultBoard, outputName: "x.stldr")
        }
    }

    @Test(arguments: [
        ("board.bin", "must end in .stldr"),
        (".stldr", "is empty"),
        (String(repeating: "N", count: 100) + ".stldr", "the stem is 100 bytes; DeviceName holds at most 99"),
        ("Flash\u{E9}.stldr", "printable ASCII"),
        ("tab\there.stldr", "printable ASCII"),
    ])
    func badOutputNamesAreRefused(name: String, reason: String) {
        do {
            _ = try LoaderPatcher.deviceName(forOutput: name)
            Issue.record("accepted \(name)")
        } catch {
            guard case .badOutputName(let refused, let why) = error else { Issue.record("wrong error \(error)"); return }
            #expect(refused == name)
            #expect(why.contains(reason), "\(why)")
        }
    }

    @Test func ninetyNineByteStemIsTheLongestAccepted() throws {
        let stem = String(repeating: "N", count: 99)
        #expect(try LoaderPatcher.deviceName(forOutput: stem + ".stldr") == stem)
    }

    @Test func aPinThatCannotCarryItsSignalIsRefusedWithCandidates() throws {
        var board = Board.defaultBoard
        board.pins[.clk] = .init(pin: Pin(port: 1, number: 11), af: 10)
        #expect(throws: LoaderPatchError.board(.pinCannotCarrySignal(
            file: "b.json", signal: .clk, pin: Pin(port: 1, number: 11), port: 1, candidates: ["PA3 (AF10)", "PB10 (AF10)", "PE10 (AF10)", "PF10 (AF3)"]
        ))) {
            try Self.patcher().patch(board: board, outputName: "x.stldr", boardFile: "b.json")
        }
    }

    @Test func aFlashClockAbove133MHzIsRefused() throws {
        var board = Board.defaultBoard
        board.clock.octospiDivider = 1
        let patcher = try Self.patcher()
        do {
            _ = try patcher.patch(board: board, outputName: "x.stldr", boardFile: "b.json")
            Issue.record("accepted a 160 MHz flash clock")
        } catch {
            #expect(error.description.hasPrefix("b.json: clock: the flash clock"))
            #expect(error.description.contains("use a divider of at least 2"))
        }
    }

    @Test func aSysclkThePLLCannotMakeIsRefused() throws {
        var board = Board.defaultBoard
        board.clock.sysclkHz = 139_000_000
        #expect(throws: LoaderPatchError.self) {
            try Self.patcher().patch(board: board, outputName: "x.stldr", boardFile: "b.json")
        }
    }
}
