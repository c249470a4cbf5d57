import Board
import Foundation
import NORFlash

extension LoaderIdentification {
    private static func mhz(_ hz: UInt64) -> String {
        hz % 1_000_000 == 0 ? "\(hz / 1_000_000) MHz" : String(format: "%.3f MHz", Double(hz) / 1e6)
    }

    private static func outcome(_ p: InitProbe) -> String {
        switch p.outcome {
        case .returned(let r0, _): "returned \(r0)"
        default: "\(p.outcome)".components(separatedBy: ";").first ?? "did not return"
        }
    }

    public func text() -> String {
        var out = "\(loader): identified on a permissive \(mcu) board (\(mcuReason))\n"
        if let deviceName { out += "  DeviceName      \"\(deviceName)\"\n" }
        if let w = wiring {
            out += "  clocks enabled  " + (w.clocksEnabled.isEmpty ? "none" : w.clocksEnabled.joined(separator: ", ")) + "\n"
            out += "  pins            " + (w.pins.isEmpty ? "none in an OCTOSPI alternate function" : "") + "\n"
            for p in w.pins {
                out += "    \(p.pin.description.padding(toLength: 5, withPad: " ", startingAt: 0)) AF\(p.alternateFunction)".padding(toLength: 16, withPad: " ", startingAt: 0)
                    + "\(p.signal)".padding(toLength: 5, withPad: " ", startingAt: 0) + "(OCTOSPIM port \(p.port)" + (p.portSignal == p.signal ? ")\n" : " \(p.portSignal))\n")
            }
            out += "  OCTOSPI         " + (w.instance.map { "OCTOSPI\($0)" } ?? "none delivered a transaction")
                + (w.ports.count > 1 ? ", OCTOSPIM ports " + w.ports.map(String.init).joined(separator: " and ") : w.port.map { ", OCTOSPIM port \($0)" } ?? "") + (w.isOctal ? ", octal (IO0-IO7)" : w.wiresQuadData ? ", quad" : ", one or two data lines (no pin for IO2/IO3)") + "\n"
            out += "  SYSCLK          \(Self.mhz(w.sysclkHz)); flash clock \(Self.mhz(w.flashClockHz))"
                + (w.hseHz.map { " (HSE \(Self.mhz(UInt64($0))))" } ?? "") + "\n"
            if let hse = w.hseHz {
                out += "  HSE             \(Self.mhz(UInt64(hse))): the loader clocks from HSE; "
                    + (w.hseFromLoader ? "its SystemCoreClock implies this crystal" : "ST's default HSE_VALUE assumed (no SystemCoreClock symbol)")
                    + "; the board file gives it as clock.hseHz: check it against the board\n"
            }
            if !w.absentPeripherals.isEmpty { out += "  touches         \(w.absentPeripherals.joined(separator: ", ")), which the \(mcu) does not have\n" }
            if !w.unmodelledPeripherals.isEmpty { out += "  touches         \(w.unmodelledPeripherals.joined(separator: ", ")), which LoaderLab does not model\n" }
        }
        if let first = firstProbe {
            let ids = first.identificationReads.map { "\(String(format: "%02Xh", $0.opcode)) → \($0.hexBytes)" }
            out += "  with \(first.part): Init \(Self.outcome(first)); identification read " + (ids.isEmpty ? "none" : ids.joined(separator: ", ")) + "\n"
            out += "  commands        " + first.commands.prefix(16).joined(separator: ", ") + (first.commands.count > 16 ? ", …" : "") + "\n"
        }
        if let w = wiring, w.part != firstProbe?.part {
            out += "  with \(w.part): commands " + w.commands.prefix(16).joined(separator: ", ") + (w.commands.count > 16 ? ", …" : "") + "\n"
        }
        out += "  Init succeeds with: " + (fits.isEmpty ? "no catalog part" : fits.joined(separator: ", ")) + "\n"
        if let board {
            out += "  board           \(board.name): \(board.mcu), \(board.flash), OCTOSPI\(board.octospi.instance) port \(board.octospi.port)"
                + (confirmed ? " (Init returns non-zero on it)" : "") + "\n"
        }
        if let boardProblem { out += "  no board:       \(boardProblem)\n" }
        return out
    }

    public func json() -> String {
        func probeObject(_ p: InitProbe) -> [String: Any] {
            var o: [String: Any] = ["part": p.part, "succeeded": p.succeeded, "outcome": Self.outcome(p),
                                    "identificationReads": p.identificationReads.map { ["opcode": String(format: "%02X", $0.opcode), "bytes": $0.hexBytes] },
                                    "commands": p.commands]
            if case .returned(let r0, _) = p.outcome { o["returned"] = Int(r0) }
            return o
        }
        var root: [String: Any] = ["loader": loader, "mcu": mcu, "mcuReason": mcuReason, "fits": fits, "confirmed": confirmed]
        if let deviceName { root["deviceName"] = deviceName }
        if let w = wiring {
            root["clocksEnabled"] = w.clocksEnabled
            root["pins"] = w.pins.map { ["pin": $0.pin.description, "af": $0.alternateFunction, "signal": $0.signal.rawValue, "port": $0.port, "portSignal": $0.portSignal.rawValue] }
            if let i = w.instance { root["octospi"] = i }
            if let p = w.port { root["port"] = p }
            root["octal"] = w.isOctal
            root["sysclkHz"] = w.sysclkHz
            root["flashClockHz"] = w.flashClockHz
            if let hse = w.hseHz {
                root["hseHz"] = hse
                root["hseFromLoader"] = w.hseFromLoader
            }
            root["absentPeripherals"] = w.absentPeripherals
            root["unmodelledPeripherals"] = w.unmodelledPeripherals
            root["wiringFrom"] = w.part
        }
        if let firstProbe { root["firstProbe"] = probeObject(firstProbe) }
        root["probes"] = probes.map { ["part": $0.part, "succeeded": $0.succeeded, "outcome": Self.outcome($0), "instructions": $0.instructions, "deviceSeconds": $0.deviceSeconds] }
        if let board, let data = try? JSONEncoder().encode(board), let object = try? JSONSerialization.jsonObject(with: data) { root["board"] = object }
        if let boardProblem { root["boardProblem"] = boardProblem }
        let data = (try? JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

extension Board {
    /// The board as a schema-2 file `program --board` reads (keys in the documented order).
    public func jsonText() -> String {
        var lines = ["{", "  \"schema\": \(schema),", "  \"name\": \"\(name)\",", "  \"mcu\": \"\(mcu)\",", "  \"flash\": \"\(flash)\",",
                     "  \"octospi\": { \"instance\": \(octospi.instance), \"port\": \(octospi.port) },", "  \"pins\": {"]
        let ordered = FlashSignal.allCases.compactMap { s in pins[s].map { (s, $0) } }
        for (i, (signal, a)) in ordered.enumerated() {
            lines.append("    \"\(signal.rawValue)\": { \"pin\": \"\(a.pin)\", \"af\": \(a.af) }" + (i == ordered.count - 1 ? "" : ","))
        }
        lines.append("  },")
        let hse = clock.hseHz.map { ", \"hseHz\": \($0)" } ?? ""
        lines.append("  \"clock\": { \"sysclkHz\": \(clock.sysclkHz), \"octospiDivider\": \(clock.octospiDivider)\(hse) }")
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }
}
