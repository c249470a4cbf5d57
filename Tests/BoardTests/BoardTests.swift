import Foundation
import Testing
@testable import Board

@Suite struct BoardTests {
    static var repoRoot: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }

    @Test func defaultBoardFileMatchesTheProblemStatement() throws {
        let board = try Board.load(path: Self.repoRoot.appendingPathComponent("Boards/stm32u5g7-is25lp512m.json").path)
        #expect(board == Board.defaultBoard)
        #expect(board.pins[.ncs]?.pin == Pin("PA2"))
        #expect(board.pins[.io1]?.pin.description == "PB0")
    }

    @Test func pinNamesParseStrictly() {
        #expect(Pin("PJ15") == Pin(port: 9, number: 15))
        #expect(Pin("PK1") == nil)
        #expect(Pin("PA16") == nil)
        #expect(Pin("PA02") == nil)
        #expect(Pin("A2") == nil)
    }

    @Test func refusesAPinThatCannotCarryTheSignal() {
        var board = Board.defaultBoard
        board.pins[.clk] = .init(pin: Pin("PB11")!, af: 10)
        #expect(throws: BoardError.pinCannotCarrySignal(file: "b.json", signal: .clk, pin: Pin("PB11")!, port: 1, candidates: ["PA3 (AF10)", "PB10 (AF10)", "PE10 (AF10)", "PF10 (AF3)"])) {
            try board.validate(file: "b.json")
        }
    }

    @Test func refusesTheWrongAlternateFunction() {
        var board = Board.defaultBoard
        board.pins[.ncs] = .init(pin: Pin("PA4")!, af: 10)
        #expect(throws: BoardError.wrongAlternateFunction(file: "b.json", signal: .ncs, pin: Pin("PA4")!, given: 10, expected: 3)) {
            try board.validate(file: "b.json")
        }
    }

    @Test func port2CannotHostAQuadFlashOnThisPackage() {
        var board = Board.defaultBoard
        board.octospi.port = 2
        #expect(throws: BoardError.self) { try board.validate(file: "b.json") }
    }

    @Test("clock.hseHz: optional, read and written back, and outside 4-48 MHz refused by name")
    func hseCrystal() throws {
        let json = #"{"schema":1,"name":"x","mcu":"STM32U5G7","flash":"IS25LP512M","octospi":{"instance":1,"port":1},"pins":{"ncs":{"pin":"PA2","af":10},"clk":{"pin":"PB10","af":10},"io0":{"pin":"PE12","af":10},"io1":{"pin":"PB0","af":10},"io2":{"pin":"PE14","af":10},"io3":{"pin":"PE15","af":10}},"clock":{"sysclkHz":160000000,"octospiDivider":2,"hseHz":16000000}}"#
        let board = try Board.decode(Data(json.utf8), file: "hse.json")
        #expect(board.clock.hseHz == 16_000_000)
        #expect(try Board.decode(JSONEncoder().encode(board), file: "again.json") == board)
        #expect(Board.defaultBoard.clock.hseHz == nil)
        #expect(!String(decoding: try JSONEncoder().encode(Board.defaultBoard), as: UTF8.self).contains("hseHz"))
        let fast = json.replacingOccurrences(of: "16000000}", with: "60000000}")
        do {
            _ = try Board.decode(Data(fast.utf8), file: "fast.json")
            Issue.record("accepted a 60 MHz HSE")
        } catch {
            #expect(error.description.contains("fast.json") && error.description.contains("clock.hseHz") && error.description.contains("48000000"),
                    "\(error.description)")
        }
    }

    @Test func malformedJSONNamesTheFileAndField() {
        let json = #"{"schema":1,"name":"x","mcu":"STM32U5G7","flash":"IS25LP512M","octospi":{"instance":1},"pins":{},"clock":{"sysclkHz":160000000,"octospiDivider":2}}"#
        do {
            _ = try Board.decode(Data(json.utf8), file: "mine.json")
            Issue.record("accepted a board without octospi.port")
        } catch {
            #expect(error.description.contains("mine.json"))
            #expect(error.description.contains("octospi.port"))
        }
    }
}
