import VirtualTime
import CortexM
import Foundation
import NORFlash

extension SessionRun {
    /// Turns what happened into the report both renderers read.
    func report(session: ProgrammerSession, findings: [SessionFinding], hostSeconds: Double) -> SessionReport {
        let ok = succeeded && !findings.contains { $0.severity == .error }
        var log = self.log
        if succeeded && !ok {
            log.append("(the programmer would report success; LoaderLab found damage it cannot see)")
        }
        let calls = self.calls.map { c in
            SessionReport.Call(
                operation: c.operation, name: c.name, function: c.function, arguments: c.arguments,
                outcome: outcomeName(c.outcome), result: c.result, succeeded: c.succeeded,
                deviceSeconds: (c.endTime - c.startTime).seconds, instructions: c.instructions,
                detail: c.succeeded ? nil : describe(c))
        }
        let flashCommands = trace.entries.compactMap { entry -> String? in
            guard case .flash(.commandDecoded(let c)) = entry.event else { return nil }
            return "[\(entry.time)] \(c)" + (entry.call.map { " (\(self.calls[$0].name))" } ?? "")
        }
        return SessionReport(
            result: ok ? "ok" : "failed",
            loader: session.loader.name,
            image: session.imageName,
            board: session.options.board.name,
            programmerLog: log,
            calls: calls,
            findings: findings,
            failure: ok ? nil : failure,
            lastFlashCommands: Array(flashCommands.suffix(8)),
            lastEvents: trace.entries.suffix(10).map(\.description),
            timing: .init(deviceSeconds: board?.clock.now.seconds ?? 0, hostSeconds: hostSeconds,
                          foldedInstructions: board?.machine.waitLoopFoldStatistics.foldedInstructions ?? 0,
                          busAccesses: board?.machine.busAccesses ?? 0,
                          busWindowAccesses: board?.machine.busWindowAccesses ?? 0,
                          directBusAccesses: board?.machine.directMMIOAccesses ?? 0, ramStores: board?.machine.ramStores ?? 0),
            maxStackDepth: board == nil ? nil : maxStackDepth)
    }

    private func outcomeName(_ outcome: CallOutcome) -> String {
        switch outcome {
        case .returned: "returned"
        case .faulted: "faulted"
        case .budgetExhausted, .hostTimeExceeded: "budget-exhausted"
        case .deviceTimeExceeded: "timeout"
        case .exceptionTaken: "exception"
        case .resetRequested: "reset"
        }
    }
}
