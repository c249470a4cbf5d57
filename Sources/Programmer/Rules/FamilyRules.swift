import Foundation
import STM32U5

/// `peripheral-not-present`: the loader touched a peripheral the board's family member does
/// not have (OCTOSPI2, the OCTOSPIM or DLYB_OCTOSPI2 on a U535/U545): on silicon the
/// access reads 0 and writes do nothing. Typical of a loader written for a bigger member.
struct PeripheralNotPresentRule: DiagnosisRule {
    let code = "peripheral-not-present"

    func evaluate(_ context: DiagnosisContext) -> SessionFinding? {
        var names: [String] = []
        var evidence: [String] = []
        var firstCall: Int?
        for (entry, event) in context.socEvents() {
            guard case .absentPeripheral(let p, _, _, _) = event else { continue }
            if !names.contains(p) { names.append(p) }
            if evidence.count < 4 { evidence.append(context.evidence(entry, event.message)) }
            firstCall = firstCall ?? entry.call
        }
        guard !names.isEmpty else { return nil }
        let board = context.session.options.board
        return SessionFinding(code: code, severity: context.mistakeSeverity,
                              message: "the loader touches \(names.joined(separator: ", ")), which the \(board.mcu) does not have (the \(board.mcuDescription.line) line): those accesses read 0 and change nothing; it was written for another STM32U5",
                              call: context.label(firstCall), evidence: evidence)
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
