import Foundation

/// Everything a session found out, in the shape both renderers (text for people, JSON for
/// CI) read. Field names here are the JSON schema: keep them stable.
public struct SessionReport: Codable, Sendable {
    /// One call into the loader, as the programmer made it.
    public struct Call: Codable, Sendable, Equatable {
        /// "erase", "program", "verify".
        public var operation: String
        /// "Init", "SectorErase", "Write#3", …
        public var name: String
        public var function: String
        public var arguments: [UInt32]
        /// "returned", "faulted", "timeout", "budget-exhausted", "exception", "reset".
        public var outcome: String
        /// R0 (and R1 for Verify) when the call returned.
        public var result: UInt64?
        /// What the result means under the 1 = success / 0 = failure contract.
        public var succeeded: Bool
        public var deviceSeconds: Double
        public var instructions: UInt64
        /// A sentence for a failure: fault kind, PC and symbol, hot loop.
        public var detail: String?
    }

    public struct Timing: Codable, Sendable, Equatable {
        public var deviceSeconds: Double
        public var hostSeconds: Double
        /// Instructions of software wait loops the lab did not emulate but folded into
        /// clock jumps (counted in the calls' instructions all the same): host work saved.
        public var foldedInstructions: UInt64
        /// Peripheral accesses and guest stores to RAM the emulator handled: per byte
        /// programmed, the loader's share of the host time (docs/benchmarks.md).
        public var busAccesses: UInt64
        /// Those a model's bus window answered without leaving C (`BusWindow`).
        public var busWindowAccesses: UInt64
        /// Those that went from Unicorn's load/store helper straight to the models, without
        /// its memory dispatch (`Machine.routesMMIODirectlyWhenPossible`).
        public var directBusAccesses: UInt64
        public var ramStores: UInt64
    }

    public struct Failure: Codable, Sendable, Equatable {
        public var call: String
        public var pc: UInt32?
        public var symbol: String?
        public var description: String
    }

    /// "ok" or "failed".
    public var result: String
    public var loader: String
    public var image: String
    public var board: String
    /// The lines STM32CubeProgrammer would have printed, so the user recognises the run.
    public var programmerLog: [String]
    public var calls: [Call]
    public var findings: [SessionFinding]
    public var failure: Failure?
    /// The last commands the flash decoded before the session ended.
    public var lastFlashCommands: [String]
    /// The last hardware events (all models), for a failure no rule names.
    public var lastEvents: [String]
    public var timing: Timing
    /// Maximum stack depth seen below the programmer's initial MSP, in bytes.
    public var maxStackDepth: Int?

    public var succeeded: Bool { result == "ok" }

    /// The programmer would not load the loader at all (its first finding says why): `program`
    /// exits 2 for it, as for any input it cannot use, and 1 for a loader that loads and fails.
    public var loaderCannotBeLoaded: Bool {
        findings.first.map { StorageInfoRule.unloadableCodes.contains($0.code) } ?? false
    }

    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self), let text = String(data: data, encoding: .utf8) else { return "{}" }
        return text
    }

    /// Compiler-style text: the programmer's log, then what happened, then the findings.
    public func text() -> String {
        var out: [String] = []
        out.append("STM32CubeProgrammer would print:")
        out += programmerLog.map { "  \($0)" }
        out.append("")
        out.append("What the loader did (\(loader) on \(board)):")
        for call in calls {
            let args = call.arguments.map { String(format: "0x%08X", $0) }.joined(separator: ", ")
            var line = "  \(call.operation.padding(toLength: 8, withPad: " ", startingAt: 0)) \(call.name)(\(args))"
            switch call.outcome {
            case "returned":
                line += " -> " + (call.result.map { String(format: "0x%llX", $0) } ?? "?")
                line += call.succeeded ? "" : "  FAILED"
            default:
                line += " -> \(call.outcome.uppercased())"
            }
            line += String(format: "  [%@ device, %llu instr]", formatSeconds(call.deviceSeconds), call.instructions)
            out.append(line)
            if let detail = call.detail, !call.succeeded { out.append("      \(detail)") }
        }
        if let failure {
            out.append("")
            var where_ = ""
            if let pc = failure.pc { where_ = String(format: " at pc=0x%08X", pc) }
            if let symbol = failure.symbol { where_ += " (\(symbol))" }
            out.append("Failed in \(failure.call)\(where_): \(failure.description)")
        }
        if !lastFlashCommands.isEmpty && !succeeded {
            out.append("")
            out.append("Last flash commands:")
            out += lastFlashCommands.map { "  \($0)" }
        }
        if findings.isEmpty && !succeeded && !lastEvents.isEmpty {
            out.append("")
            out.append("Last hardware events:")
            out += lastEvents.map { "  \($0)" }
        }
        if !findings.isEmpty {
            out.append("")
            for f in findings {
                out.append("\(loader): \(f.severity.rawValue): [\(f.code)] \(f.message)" + (f.call.map { " (in \($0))" } ?? ""))
                out += f.evidence.map { "    \($0)" }
            }
        }
        out.append("")
        out.append(String(format: "Result: %@. Modeled time on the board %@; host time %@.",
                          succeeded ? "programmed and verified" : "FAILED",
                          formatSeconds(timing.deviceSeconds), formatSeconds(timing.hostSeconds)))
        return out.joined(separator: "\n")
    }
}

func formatSeconds(_ s: Double) -> String {
    if s >= 1 { return String(format: "%.2f s", s) }
    if s >= 1e-3 { return String(format: "%.1f ms", s * 1e3) }
    return String(format: "%.0f µs", s * 1e6)
}
