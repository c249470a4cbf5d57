import ArgumentParser
import Foundation
import GDBServer
import LabGDB
import Programmer

/// `program`'s debugger options: a GDB server on the simulated board.
struct DebugOptions: ParsableArguments {
    @Option(name: .customLong("gdb"), help: ArgumentHelp(
        "Serve the GDB remote protocol on [HOST:]PORT (default host 127.0.0.1; port 0 picks a free one, printed on stderr).",
        valueName: "[HOST:]PORT"))
    var gdb: String?

    @Option(name: .customLong("gdb-stop-at"), help: "Stop at the entry of: calls (every loader call), first (the first call; the default), none (do not wait for the debugger).")
    var stopAt: String = "first"

    @Option(name: .customLong("stop-at-finding"), help: "Replay the session under the debugger and halt at the instruction behind this finding's first evidence (implies --gdb localhost:0 unless --gdb is given).")
    var stopAtFinding: String?

    @Option(name: .customLong("gdb-wait"), help: "Seconds to wait for a debugger before the first call (then run without one).")
    var wait: Double = 300

    var isRequested: Bool { gdb != nil || stopAtFinding != nil }

    func validate() throws {
        guard CallStops(rawValue: stopAt) != nil else {
            throw ValidationError("--gdb-stop-at must be calls, first or none, not '\(stopAt)'")
        }
        if let gdb, Self.endpoint(gdb) == nil {
            throw ValidationError("--gdb '\(gdb)' is not [HOST:]PORT with a port from 0 to 65535")
        }
        guard wait > 0, wait <= 86_400 else { throw ValidationError("--gdb-wait must be more than 0 and at most 86400 seconds") }
    }

    static func endpoint(_ text: String) -> (host: String, port: Int)? {
        var host = "127.0.0.1"
        var portText = Substring(text)
        if let colon = text.lastIndex(of: ":") {
            host = String(text[..<colon])
            portText = text[text.index(after: colon)...]
            if host.isEmpty || host == "localhost" { host = "127.0.0.1" }
        }
        guard let port = Int(portText), (0...65535).contains(port) else { return nil }
        return (host, port)
    }

    /// How much longer a call may run on the host under the debugger's hooks (every
    /// instruction and data access calls out) before the host guard stops it. Halted time
    /// never counts.
    static let hostGuardFactor = 10.0

    /// Runs `session` once to know its findings, then `debugged` (the same session with a
    /// wider host guard: the lab is deterministic, so the same run) with the GDB server
    /// attached; returns that run's report.
    func run(_ session: ProgrammerSession, debugged: ProgrammerSession, bad: (String) -> ExitCode) throws -> SessionReport {
        let diagnostic: @Sendable (String) -> Void = { line in
            FileHandle.standardError.write(Data("loaderlab: \(line)\n".utf8))
        }
        let (host, port) = Self.endpoint(gdb ?? "127.0.0.1:0") ?? ("127.0.0.1", 0)
        let stops = CallStops(rawValue: stopAt) ?? .first

        let first = session.run()
        var target: HaltTarget?
        if let code = stopAtFinding {
            let location: FindingLocation
            do { location = try FindingLocator.locate(code: code, report: first, trace: session.lastTrace) } catch { throw bad("--stop-at-finding: \(error)") }
            switch location.stop {
            case let .instruction(call, pc, time):
                let counter = ExecutionCounter(call: call, pc: pc, until: time)
                debugged.debugger = counter
                _ = debugged.run()
                debugged.debugger = nil
                target = HaltTarget(call: call, kind: .instruction(pc: pc, occurrence: max(1, counter.count)), console: location.console)
            case .fault(let call):
                target = HaltTarget(call: call, kind: .fault, console: location.console)
            case .entry(let call):
                target = HaltTarget(call: call, kind: .entry, console: location.console)
            }
        }

        let listener: GDBListener
        do { listener = try GDBListener(host: host, port: port, diagnostic: diagnostic) } catch { throw bad("\(error)") }
        defer { listener.shutdown() }
        // Tests and scripts read the port from this line.
        diagnostic("GDB server listening on \(host):\(listener.port)")
        let debugger = GDBSessionDebugger(listener: listener, stops: stops, findings: first.findings, target: target,
                                          connectTimeout: wait, diagnostic: diagnostic)
        debugged.debugger = debugger
        let report = debugged.run()
        debugged.debugger = nil
        debugger.sessionFinished(report)
        return report
    }
}
