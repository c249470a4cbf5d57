import CortexM
import Foundation
import NORFlash
import Programmer
import VirtualTime

/// `monitor …` in GDB (the qRcmd packet): what the lab knows that registers and memory
/// do not show.
final class MonitorCommands {
    let board: SimulatedBoard
    let view: SessionView
    /// The session's findings, from its first (identical) run; nil when not known.
    let findings: [SessionFinding]?
    /// The call the core is in, and the fault it stopped on, if any.
    var currentCall: SessionCall?
    var fault: CallOutcome?

    init(board: SimulatedBoard, view: SessionView, findings: [SessionFinding]?) {
        self.board = board
        self.view = view
        self.findings = findings
    }

    static let help = """
        LoaderLab monitor commands:
          monitor findings   the fault the core stopped on (CFSR, HFSR, BFAR) and the session's findings
          monitor flash      the flash's state: WEL, WIP, QE, address mode, QPI, last commands
          monitor trace N    the last N hardware events (default 20)
          monitor time       the virtual clock at the current instruction
        """

    func run(_ command: String) -> String {
        let words = command.split(separator: " ").map(String.init)
        switch words.first ?? "" {
        case "findings": return findingsText()
        case "flash": return flashText()
        case "trace":
            guard words.count <= 2, let n = words.count == 2 ? Int(words[1]) : 20, n > 0, n <= 10_000 else {
                return "usage: monitor trace N (1 to 10000 events)\n"
            }
            return traceText(n)
        case "time": return timeText()
        case "help", "": return Self.help + "\n"
        default: return "unknown monitor command '\(command)'\n" + Self.help + "\n"
        }
    }

    private func hex(_ v: UInt32) -> String { String(format: "0x%08X", v) }

    func findingsText() -> String {
        var out: [String] = []
        let scb = board.machine.systemControl.scb
        if let fault {
            out.append("Stopped on: \(fault)")
        }
        if let call = currentCall { out.append("In call: \(call.label)") }
        out.append("Fault status: CFSR=\(hex(scb.cfsr)) HFSR=\(hex(scb.hfsr)) BFAR=\(hex(scb.bfar)) MMFAR=\(hex(scb.mmfar))")
        if let findings {
            if findings.isEmpty {
                out.append("The session has no findings: it programs and verifies.")
            } else {
                out.append("Findings of this session (\(findings.count)):")
                for f in findings {
                    out.append("  [\(f.code)] \(f.severity.rawValue)\(f.call.map { " in \($0)" } ?? ""): \(f.message)")
                    for e in f.evidence.prefix(3) { out.append("      \(e)") }
                }
            }
        } else {
            out.append("The session's findings are known when it ends.")
        }
        return out.joined(separator: "\n") + "\n"
    }

    func flashText() -> String {
        let flash = board.flash
        let r = flash.registers
        func bit(_ b: Bool) -> Int { b ? 1 : 0 }
        var out: [String] = []
        out.append("Flash \(flash.part.name): status register 0x\(String(format: "%02X", flash.statusRegister))")
        out.append("  WEL=\(bit(r.writeEnableLatch)) WIP=\(bit(flash.isBusy)) QE=\(bit(r.quadEnable)) BP=\(r.blockProtect)")
        let mode = r.extendedAddressing ? "4-byte (EXTADD=1)" : "3-byte, bank register BA=\(r.bank) (addresses above 16 MiB need it)"
        out.append("  address mode: \(mode); QPI: \(flash.isQPI ? "yes" : "no"); dummy cycles (read register DC): \(r.dummyCycles == 0 ? "default" : String(r.dummyCycles))")
        if let ends = flash.nextSelfTimedChange {
            out.append("  busy until \(ends) (now \(board.machine.instructionTime))")
        }
        var commands: [String] = []
        for entry in view.recentTrace(2000).reversed() {
            guard case .flash(let event) = entry.event, case .commandDecoded = event else { continue }
            commands.append("  [\(entry.time)] \(event.message)" + (view.label(ofCall: entry.call).map { " (\($0))" } ?? (currentCall.map { " (\($0.label))" } ?? "")))
            if commands.count == 8 { break }
        }
        out.append(commands.isEmpty ? "Last commands: none yet" : "Last commands:")
        out += commands.reversed()
        return out.joined(separator: "\n") + "\n"
    }

    func traceText(_ n: Int) -> String {
        let entries = view.recentTrace(n)
        guard !entries.isEmpty else { return "No hardware events yet.\n" }
        return entries.map { e in
            var s = String(format: "[%@] pc=0x%08X ", e.time.description, e.pc) + e.event.description
            if let label = view.label(ofCall: e.call) ?? currentCall?.label { s += " (\(label))" }
            return s
        }.joined(separator: "\n") + "\n"
    }

    func timeText() -> String {
        let machine = board.machine
        let now = machine.instructionTime
        let hz = board.clock.coreFrequencyHz
        var out = "Virtual time \(now) (\(now.picoseconds) ps), core clock \(hz) Hz"
        if let call = currentCall, let start = view.callStart {
            out += "; \(call.label) started at \(start), \(now - start) ago"
        }
        return out + "\n"
    }
}
