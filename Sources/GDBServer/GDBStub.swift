import Foundation

/// The server side of one GDB connection: reads packets, answers them against a
/// `DebugTarget`, and tells the caller how to go on when the debugger resumes the core.
///
/// The emulation thread owns it: while the core is halted it calls `halted(_:console:)`,
/// which blocks serving packets until `c`, `s`, `vCont`, `D`, `k` or a disconnect; while the
/// core runs it calls `pollInterrupt()` now and then to see a Ctrl-C. Nothing here knows
/// Unicorn or sockets: the bytes come and go through an `RSPLink`.
public final class GDBStub {
    public enum ResumeAction: Equatable, Sendable {
        case continueRunning
        case step
        /// `D`, a disconnect, or a client that only sends garbage: the session runs on alone.
        case detach(reason: String)
        /// `k`: the debugger is done; the session runs on alone to its report.
        case kill
    }

    private enum Outcome {
        case reply(String)
        case resume(ResumeAction)
        case detach
        case kill
    }

    public let target: any DebugTarget
    private let link: any RSPLink
    private var decoder = RSPFrameDecoder()
    private var queued: [RSPInput] = []
    private var lastSent: [UInt8] = []
    /// The debugger sent `c`/`s` and waits for a stop reply.
    private var waitingForStop = false
    private var lastStop = StopReason.attached
    private var badInputs = 0
    private var clientFeatures: Set<String> = []
    /// Where the server's own diagnostics go (stderr in the CLI).
    private let diagnostic: (String) -> Void
    public private(set) var isAttached = true
    /// How many consecutive bad packets (checksum, size, noise) end the connection.
    public static let badInputLimit = 32

    public init(target: any DebugTarget, link: any RSPLink, diagnostic: @escaping (String) -> Void = { _ in }) {
        self.target = target
        self.link = link
        self.diagnostic = diagnostic
    }

    // MARK: the emulation thread's entry points

    /// The core stopped: report it (if the debugger waits for a stop) and serve packets
    /// until the debugger resumes. `console` lines are printed on the debugger's console
    /// before the stop reply.
    public func halted(_ reason: StopReason, console: [String] = []) -> ResumeAction {
        guard isAttached else { return .detach(reason: "no debugger attached") }
        lastStop = reason
        if waitingForStop {
            waitingForStop = false
            for line in console { sendConsole(line) }
            sendPacket(stopReply(reason))
        }
        return serve()
    }

    /// While the core runs: true when the debugger asked to stop it (Ctrl-C). A debugger
    /// that went away makes `isAttached` false.
    public func pollInterrupt() -> Bool {
        guard isAttached else { return false }
        while let event = link.receive(timeout: 0) {
            switch event {
            case .closed(let why):
                detachLink(why)
                return false
            case .bytes(let bytes):
                for input in decoder.feed(bytes) {
                    if input == .interrupt { return true }
                    // All-stop mode: anything else waits until the core halts.
                    queued.append(input)
                }
            }
        }
        return false
    }

    /// The session is over: the debugger sees the process exit with `exitCode`.
    public func sessionEnded(exitCode: UInt8, console: [String] = []) {
        guard isAttached else { return }
        if waitingForStop {
            for line in console { sendConsole(line) }
            sendPacket("W" + String(format2(exitCode)))
            waitForAcks()
        }
        detachLink("the session ended")
    }

    /// Lets the debugger read the last packets before the server closes: a close while its
    /// acks are still arriving makes the kernel reset the connection, and the debugger
    /// loses what it had not read yet. Waits at most `timeout` seconds.
    private func waitForAcks(timeout: Double = 3) {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        var sawAck = false
        while ContinuousClock.now < deadline {
            switch link.receive(timeout: 0.3) {
            case nil: if sawAck { return }
            case .closed?: return
            case .bytes(let bytes)?: if bytes.contains(UInt8(ascii: "+")) { sawAck = true }
            }
        }
    }

    /// Ends the connection from the server side (e.g. the session is being torn down).
    public func close(_ why: String) { detachLink(why) }

    // MARK: serving

    private func serve() -> ResumeAction {
        while true {
            if queued.isEmpty {
                guard let event = link.receive(timeout: nil) else { continue }
                switch event {
                case .closed(let why):
                    detachLink(why)
                    return .detach(reason: why)
                case .bytes(let bytes):
                    queued += decoder.feed(bytes)
                }
                continue
            }
            let input = queued.removeFirst()
            switch input {
            case .packet(let payload):
                badInputs = 0
                link.send([UInt8(ascii: "+")])
                switch dispatch(payload) {
                case .reply(let text): sendPacket(text)
                case .resume(let action):
                    waitingForStop = true
                    return action
                case .detach:
                    sendPacket("OK")
                    detachLink("the debugger detached")
                    return .detach(reason: "the debugger detached (D)")
                case .kill:
                    detachLink("the debugger killed the session")
                    return .kill
                }
            case .ack:
                badInputs = 0
            case .nak:
                if !lastSent.isEmpty { link.send(lastSent) }
            case .interrupt:
                // Already halted: say so again.
                sendPacket(stopReply(lastStop))
            case let .badChecksum(expected, received):
                link.send([UInt8(ascii: "-")])
                if let why = countBad("packet with checksum \(format2(received)), expected \(format2(expected)): asked to resend") { return .detach(reason: why) }
            case .oversized(let n):
                link.send([UInt8(ascii: "-")])
                if let why = countBad("packet of \(n) bytes is over the \(RSPFrame.maximumPayload) the server accepts") { return .detach(reason: why) }
            case .noise(let byte):
                if let why = countBad("byte 0x\(format2(byte)) outside a packet") { return .detach(reason: why) }
            }
        }
    }

    private func countBad(_ what: String) -> String? {
        badInputs += 1
        if badInputs == 1 { diagnostic("gdb server: bad input: \(what)") }
        guard badInputs >= Self.badInputLimit else { return nil }
        let why = "\(badInputs) bad packets or bytes in a row (not a GDB client?): connection closed, the session runs on"
        diagnostic("gdb server: \(why)")
        detachLink(why)
        return why
    }

    private func detachLink(_ why: String) {
        guard isAttached else { return }
        isAttached = false
        waitingForStop = false
        link.close()
        _ = why
    }

    private func sendPacket(_ text: String) {
        lastSent = RSPFrame.encode(text)
        link.send(lastSent)
    }

    private func sendConsole(_ line: String) {
        sendPacket("O" + Hex.encode(line.hasSuffix("\n") ? line : line + "\n"))
    }

    private func format2(_ v: UInt8) -> String {
        let s = String(v, radix: 16)
        return s.count == 1 ? "0" + s : s
    }

    // MARK: packets

    func stopReply(_ reason: StopReason) -> String {
        var s = "T" + format2(reason.signal.rawValue)
        switch reason {
        case .watchpoint(let kind, let address):
            let name = kind == .read ? "rwatch" : (kind == .access ? "awatch" : "watch")
            s += "\(name):\(String(address, radix: 16));"
        case .breakpoint(let kind):
            if kind == .software, clientFeatures.contains("swbreak") { s += "swbreak:;" }
            if kind == .hardware, clientFeatures.contains("hwbreak") { s += "hwbreak:;" }
        default: break
        }
        return s + "thread:1;"
    }

    private func dispatch(_ raw: [UInt8]) -> Outcome {
        guard let first = raw.first else { return .reply("") }
        // Binary packets keep their bytes; everything else is ASCII.
        if first == UInt8(ascii: "X") { return .reply(writeBinary(raw)) }
        let packet = String(decoding: raw, as: UTF8.self)
        let body = packet.dropFirst()
        switch Character(UnicodeScalar(first)) {
        case "?": return .reply(stopReply(lastStop))
        case "g": return .reply(readAllRegisters())
        case "G": return .reply(writeAllRegisters(body))
        case "p": return .reply(readOneRegister(body))
        case "P": return .reply(writeOneRegister(body))
        case "m": return .reply(readMemory(body))
        case "M": return .reply(writeMemory(body))
        case "c", "C": return resume(.continueRunning, address: addressAfterSignal(body, hasSignal: first == UInt8(ascii: "C")))
        case "s", "S": return resume(.step, address: addressAfterSignal(body, hasSignal: first == UInt8(ascii: "S")))
        case "Z", "z": return .reply(stopPoint(body, insert: first == UInt8(ascii: "Z")))
        case "D": return .detach
        case "k": return .kill
        case "H", "T": return .reply("OK")
        case "q": return .reply(query(packet))
        // QStartNoAckMode and the rest: not supported (acks stay on).
        case "Q": return .reply("")
        case "v": return verbose(packet)
        default: return .reply("")
        }
    }

    private func addressAfterSignal(_ body: Substring, hasSignal: Bool) -> Substring {
        guard hasSignal else { return body }
        guard let semicolon = body.firstIndex(of: ";") else { return "" }
        return body[body.index(after: semicolon)...]
    }

    private func resume(_ action: ResumeAction, address: Substring) -> Outcome {
        if !address.isEmpty {
            guard let a = Hex.number(address), a <= UInt32.max, let pc = target.registers.firstIndex(where: { $0.name == "pc" }) else {
                return .reply("E01")
            }
            let v = UInt32(a)
            _ = target.writeRegister(pc, bytes: [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)])
        }
        return .resume(action)
    }

    private func verbose(_ packet: String) -> Outcome {
        if packet == "vCont?" { return .reply("vCont;c;C;s;S") }
        if packet.hasPrefix("vCont;") {
            // The first action that applies to our one thread (or to all) decides.
            for action in packet.dropFirst(6).split(separator: ";") {
                let parts = action.split(separator: ":", maxSplits: 1)
                if parts.count == 2, parts[1] != "-1", parts[1] != "1", parts[1] != "p1.1", parts[1] != "p1.-1" { continue }
                switch parts[0].first {
                case "c", "C": return .resume(.continueRunning)
                case "s", "S": return .resume(.step)
                case "t": return .reply("OK")
                default: return .reply("E01")
                }
            }
            return .reply("E01")
        }
        if packet.hasPrefix("vKill") { return .kill }
        return .reply("")
    }

    private func query(_ packet: String) -> String {
        if packet.hasPrefix("qSupported") {
            if let colon = packet.firstIndex(of: ":") {
                for feature in packet[packet.index(after: colon)...].split(separator: ";") where feature.hasSuffix("+") {
                    clientFeatures.insert(String(feature.dropLast()))
                }
            }
            return "PacketSize=\(String(RSPFrame.maximumPayload, radix: 16));qXfer:features:read+;qXfer:memory-map:read+;swbreak+;hwbreak+;vContSupported+"
        }
        if packet.hasPrefix("qXfer:features:read:") {
            let rest = packet.dropFirst("qXfer:features:read:".count)
            guard let colon = rest.firstIndex(of: ":") else { return "E00" }
            guard rest[..<colon] == "target.xml" else { return "E00" }
            return transfer(TargetDescription.xml(target.registers), range: rest[rest.index(after: colon)...])
        }
        if packet.hasPrefix("qXfer:memory-map:read::") {
            return transfer(TargetDescription.memoryMapXML(target.memoryMap), range: packet.dropFirst("qXfer:memory-map:read::".count))
        }
        if packet.hasPrefix("qRcmd,") {
            guard let bytes = Hex.decode(packet.dropFirst(6)) else { return "E01" }
            let command = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            let text = target.monitor(command)
            for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\n") ? 1 : 0) {
                sendConsole(String(line))
            }
            return "OK"
        }
        switch packet {
        case "qAttached": return "1"
        case "qC": return "QC1"
        case "qfThreadInfo": return "m1"
        case "qsThreadInfo": return "l"
        case "qSymbol::": return "OK"
        default: return ""
        }
    }

    /// `offset,length` into `document`: `m` + a piece, or `l` + the last piece.
    private func transfer(_ document: String, range: Substring) -> String {
        let parts = range.split(separator: ",")
        guard parts.count == 2, let offset = Hex.number(parts[0]), let length = Hex.number(parts[1]) else { return "E00" }
        let bytes = Array(document.utf8)
        guard offset <= UInt64(bytes.count) else { return "E00" }
        let end = min(UInt64(bytes.count), offset + min(length, UInt64(RSPFrame.maximumPayload / 2)))
        let piece = String(decoding: bytes[Int(offset)..<Int(end)], as: UTF8.self)
        return (end == UInt64(bytes.count) ? "l" : "m") + piece
    }

    // MARK: registers and memory

    private func readAllRegisters() -> String {
        var out = ""
        for (n, r) in target.registers.enumerated() {
            if let bytes = target.readRegister(n), bytes.count == r.bitSize / 8 {
                out += Hex.encode(bytes)
            } else {
                out += String(repeating: "x", count: r.bitSize / 4)
            }
        }
        return out
    }

    private func writeAllRegisters(_ body: Substring) -> String {
        guard let bytes = Hex.decode(body) else { return "E01" }
        var offset = 0
        for (n, r) in target.registers.enumerated() {
            let size = r.bitSize / 8
            guard offset + size <= bytes.count else { break }
            _ = target.writeRegister(n, bytes: Array(bytes[offset..<offset + size]))
            offset += size
        }
        return "OK"
    }

    private func readOneRegister(_ body: Substring) -> String {
        guard let n = Hex.number(body), n < UInt64(target.registers.count) else { return "E45" }
        guard let bytes = target.readRegister(Int(n)) else { return "E45" }
        return Hex.encode(bytes)
    }

    private func writeOneRegister(_ body: Substring) -> String {
        let parts = body.split(separator: "=", maxSplits: 1)
        guard parts.count == 2, let n = Hex.number(parts[0]), n < UInt64(target.registers.count),
              let bytes = Hex.decode(parts[1]), bytes.count == target.registers[Int(n)].bitSize / 8 else { return "E01" }
        return target.writeRegister(Int(n), bytes: bytes) ? "OK" : "E01"
    }

    private func addressAndLength(_ text: Substring) -> (UInt32, Int)? {
        let parts = text.split(separator: ",")
        guard parts.count == 2, let a = Hex.number(parts[0]), a <= UInt32.max, let n = Hex.number(parts[1]),
              n <= UInt64(RSPFrame.maximumPayload), UInt64(a) + n <= 0x1_0000_0000 else { return nil }
        return (UInt32(a), Int(n))
    }

    private func readMemory(_ body: Substring) -> String {
        guard let (address, count) = addressAndLength(body) else { return "E01" }
        // The reply carries two digits per byte.
        guard count * 2 <= RSPFrame.maximumPayload else { return "E01" }
        switch target.readMemory(address: address, count: count) {
        case .success(let bytes): return Hex.encode(bytes)
        case .failure: return "E14"
        }
    }

    private func writeMemory(_ body: Substring) -> String {
        let parts = body.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let (address, count) = addressAndLength(parts[0]), let bytes = Hex.decode(parts[1]), bytes.count == count else {
            return "E01"
        }
        if count == 0 { return "OK" }
        switch target.writeMemory(address: address, bytes: bytes) {
        case .success: return "OK"
        case .failure: return "E14"
        }
    }

    private func writeBinary(_ raw: [UInt8]) -> String {
        guard let colon = raw.firstIndex(of: UInt8(ascii: ":")) else { return "E01" }
        let header = String(decoding: raw[1..<colon], as: UTF8.self)
        guard let (address, count) = addressAndLength(Substring(header)) else { return "E01" }
        let bytes = RSPFrame.unescape(raw[(colon + 1)...])
        guard bytes.count == count else { return "E01" }
        if count == 0 { return "OK" }
        switch target.writeMemory(address: address, bytes: bytes) {
        case .success: return "OK"
        case .failure: return "E14"
        }
    }

    private func stopPoint(_ body: Substring, insert: Bool) -> String {
        let parts = body.split(separator: ",")
        guard parts.count >= 3, let type = Int(parts[0]), let kind = StopPoint.Kind(rawValue: type),
              let a = Hex.number(parts[1]), a <= UInt32.max,
              let length = Hex.number(parts[2].split(separator: ";").first ?? ""), length > 0, length <= 0x1000 else {
            return parts.first.flatMap { Int($0) }.map { $0 > 4 ? "" : "E01" } ?? "E01"
        }
        let point = StopPoint(kind: kind, address: UInt32(a), length: UInt32(length))
        return (insert ? target.insert(point) : target.remove(point)) ? "OK" : "E01"
    }
}

/// The byte pipe under a `GDBStub`: a TCP connection in the server, a script in tests.
public protocol RSPLink: AnyObject {
    /// Waits at most `timeout` seconds (nil: until something arrives) for input; nil when
    /// nothing came in time.
    func receive(timeout: Double?) -> LinkEvent?
    func send(_ bytes: [UInt8])
    func close()
}

public enum LinkEvent: Sendable, Equatable {
    case bytes([UInt8])
    case closed(String)
}
