import Board
import Foundation

/// The board JSON: the raw-key pass, the decoder and the pin validation.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBoard(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    if let board = try? Board.decode(bytes, file: "fuzz.json") {
        _ = board.name
    }
    return 0
}
