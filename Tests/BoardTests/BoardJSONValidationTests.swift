import Board
import Foundation
import Testing

/// The raw-JSON pass before the decoder: places, keys, numbers, and the inputs the board
/// fuzz target found.
@Suite("Board JSON validation")
struct BoardJSONValidationTests {
    static func problem(_ json: String) -> BoardError? {
        do {
            _ = try Board.decode(Data(json.utf8), file: "b.json")
            return nil
        } catch {
            return error
        }
    }

    /// Found by Fuzz/Targets/BoardTarget.swift: a backslash as the file's last byte inside a
    /// string made the reader loop forever (libFuzzer: timeout after 35 s).
    @Test func aBackslashAtTheEndOfTheFileIsASyntaxError() throws {
        let input = try #require(Data(base64Encoded: "W3sKICAic2NoZW1hIjogMSwKICAibm5zIjogewogICAgIm5jcyI6IHsgInBpbiI6ICJQQTIiLCAgImFmIjogMTAgfSwKICAgICJjbGsiOiB7ICJwaW4iOiAiUEIxMCIsICJhZiI6IDEwIH0sCiAgICAiYW8wIjogeyAicGluIjogIlBFMTIiLCAiYWYiOiAxMCB9LAogICAgIlxcXFxcXFxcXA=="))
        #expect(throws: BoardError.self) { _ = try Board.decode(input, file: "fuzz.json") }
        let tail = Self.problem("{\"name\": \"\\")
        guard case .syntax(_, 1, _, let reason)? = tail else { Issue.record("\(String(describing: tail))"); return }
        #expect(reason.contains("ends inside a string"))
    }

    @Test func keysThatDifferOnlyInCaseAreDuplicatesInPins() {
        let json = #"{"schema": 1, "pins": {"ncs": {"pin": "PA2", "af": 10}, "NCS": {"pin": "PA2", "af": 10}}}"#
        #expect(Self.problem(json) == .invalidField(file: "b.json", field: "pins.NCS", reason: "appears twice (lines 1 and 1); a decoder would silently keep one"))
    }

    @Test func brokenJSONNamesLineAndColumn() {
        guard case let .syntax(_, line, column, _)? = Self.problem("{\n  \"schema\": 1,\n  \"name\": tru\n}") else {
            Issue.record("no syntax error")
            return
        }
        #expect(line == 3 && column == 11)
    }

    @Test func deepNestingIsRefusedNotRecursedInto() {
        let json = String(repeating: "[", count: 10_000)
        guard case .syntax(_, _, _, let reason)? = Self.problem(json) else { Issue.record("no syntax error"); return }
        #expect(reason.contains("nested more than"))
    }

    @Test func unknownSchemasAreLeftToTheSchemaCheck() {
        #expect(Self.problem(#"{"schema": 7, "anything": 1}"#) != nil)
        if case .invalidField? = Self.problem(#"{"schema": 7, "anything": 1}"#) { Issue.record("a future schema's keys are not judged by schema 1's table") }
    }
}
