import Foundation
import STM32U5

/// `peripheral-not-present`: the loader touched a peripheral the board's family member does
/// not have (OCTOSPI2, the OCTOSPIM or DLYB_OCTOSPI2 on a U535/U545): on silicon the
/// access reads 0 and writes do nothing. Typical of a loader written for a bigger member.
///
/// A cause of a failure only where the flash commands went (or may have gone) to the absent
/// block: a write that starts an indirect transfer (CCR, IR, AR, DR) of an absent OCTOSPI, or
/// no command from an OCTOSPI the member has at all. A loader written for a U599 that drives
/// OCTOSPI1 and only reads the OCTOSPIM and OCTOSPI2 on the way (`HAL_OSPIM_Config`) talks
/// to the flash as it would on its own board: there the finding is a note, whatever else failed.
struct PeripheralNotPresentRule: DiagnosisRule {
    let code = "peripheral-not-present"

    /// CCR, IR, AR and DR: in indirect mode a write to the last of these that the command
    /// needs starts the transfer (RM0456 OCTOSPI "indirect mode").
    static let transferRegisterOffsets: Set<UInt32> = [OCTOSPI.Offset.ccr, OCTOSPI.Offset.ir, OCTOSPI.Offset.ar, OCTOSPI.Offset.dr]

    func evaluate(_ context: DiagnosisContext) -> SessionFinding? {
        var names: [String] = []
        var evidence: [String] = []
        var firstCall: Int?
        var commandsToAbsent = false
        var commandsToPresent = Set<Int>()
        for (entry, event) in context.socEvents() {
            switch event {
            case .absentPeripheral(let p, _, let address, let write):
                if !names.contains(p) { names.append(p) }
                if evidence.count < 4 { evidence.append(context.evidence(entry, event.message)) }
                firstCall = firstCall ?? entry.call
                if write, p.hasPrefix("OCTOSPI"), p != "OCTOSPIM", Self.transferRegisterOffsets.contains(address & 0xFFF) {
                    commandsToAbsent = true
                }
            case .transaction(let instance, _, _):
                commandsToPresent.insert(instance)
            default:
                continue
            }
        }
        guard !names.isEmpty else { return nil }
        let board = context.session.options.board
        var message = "the loader touches \(names.joined(separator: ", ")), which the \(board.mcu) does not have (the \(board.mcuDescription.line) line): those accesses read 0 and change nothing; it was written for another STM32U5"
        let harmless = !commandsToAbsent && !commandsToPresent.isEmpty
        if harmless {
            let via = commandsToPresent.sorted().map { "OCTOSPI\($0)" }.joined(separator: " and ")
            message += "; its flash commands went through \(via), which the \(board.mcu) has: not what decided the outcome"
        }
        return SessionFinding(code: code, severity: harmless ? .note : context.mistakeSeverity,
                              message: message, call: context.label(firstCall), evidence: evidence)
    }
}

/// `peripheral-not-modelled`: the loader touched HSPI1, which the member has but the lab
/// does not model: what follows is not a verdict on the loader.
struct PeripheralNotModelledRule: DiagnosisRule {
    let code = "peripheral-not-modelled"

    func evaluate(_ context: DiagnosisContext) -> SessionFinding? {
        var names: [String] = []
        var evidence: [String] = []
        var firstCall: Int?
        for (entry, event) in context.socEvents() {
            guard case .unmodelledPeripheral(let p, _, _) = event else { continue }
            if !names.contains(p) { names.append(p) }
            if evidence.count < 4 { evidence.append(context.evidence(entry, event.message)) }
            firstCall = firstCall ?? entry.call
        }
        guard !names.isEmpty else { return nil }
        return SessionFinding(code: code, severity: .warning,
                              message: "the loader uses \(names.joined(separator: ", ")), which LoaderLab does not model (it reads 0 and ignores writes here): the lab cannot judge this loader's flash access; this is a limit of the lab, not a mistake of the loader",
                              call: context.label(firstCall), evidence: evidence)
    }
}
