import Foundation
import NORFlash

/// `flash-part-mismatch`: the loader read the flash's identity (9Fh JEDEC ID, 5Ah SFDP),
/// `Init` failed after it, and the same `Init` succeeds on the same wiring with another
/// catalog part: the loader was written for a different flash than the board carries.
///
/// The claim rests on the re-runs (`DiagnosisContext.partProbes`): without a part on which
/// `Init` succeeds the rule says nothing, because then the part is not shown to be the cause.
struct FlashPartMismatchRule: DiagnosisRule {
    let code = "flash-part-mismatch"

    func evaluate(_ context: DiagnosisContext) -> SessionFinding? {
        guard let (_, call) = context.failedCall, call.function == "Init", let board = context.run.board else { return nil }
        let reads = board.identificationReads.filter { $0.time <= call.endTime }
        guard let read = reads.first(where: \.isJEDECID) ?? reads.first else { return nil }
        let fits = context.partProbes.filter(\.succeeded).map(\.part)
        guard !fits.isEmpty else { return nil }
        let boardPart = FlashPart.part(named: context.session.options.board.flash)
        let partText = boardPart.map(\.description) ?? context.session.options.board.flash
        let what = read.isJEDECID ? "JEDEC ID (\(String(format: "%02Xh", read.opcode))) \(read.hexBytes)" : "SFDP header \(read.hexBytes)"
        let known = FlashPart.part(jedecID: Array(read.bytes.prefix(3))).map { " (\($0.name))" } ?? ""
        var at = "[\(read.time)]" + String(format: " pc=0x%08X", read.pc)
        if let symbol = context.run.symbolName(read.pc) { at += " (\(symbol))" }
        var evidence = [at + " in \(call.name): read the \(what)\(known)"]
        evidence.append("\(call.name) returned 0 on the board's \(partText)")
        evidence.append("the same Init, on the same wiring, returns non-zero with: " + fits.joined(separator: ", "))
        return SessionFinding(code: code, severity: .error,
                              message: "the loader is for another flash: it read the \(what) of the board's \(partText) and its Init gave up; "
                                + "it initialises \(fits.count == 1 ? "a" : "one of") \(fits.joined(separator: ", ")). Use the loader for \(boardPart?.name ?? "this part") (or a board with the part it expects)",
                              call: call.name, evidence: evidence)
    }
}
