import Foundation
import NORFlash

/// `address-width`: a command reached another 16 MiB bank than the one the programmer asked
/// for: a 3-byte address (A23..A0) extended with a bank address register that does not hold
/// bits 25:24 of the intended address, or a 4-byte command sent with a 24-bit OCTOSPI address
/// (is25lp512m.md §A.7 gotcha 1). It fires only on proof: a program or erase inside a
/// `Write`/`SectorErase` landed at the right offset modulo 16 MiB but in another bank, or the
/// read-back of a byte that the flash holds correctly came from another bank.
struct AddressWidthRule: DiagnosisRule {
    let code = "address-width"
    static let bankSize: UInt64 = 0x0100_0000

    struct Misplaced {
        var entry: TraceEntry
        var command: DecodedCommand
        var intended: Range<UInt64>
        var kind: String
    }

    func evaluate(_ context: DiagnosisContext) -> SessionFinding? {
        guard let flash = context.run.board?.flash else { return nil }
        let misplaced = Self.misplacedCommands(context, part: flash.part)
        let base = UInt64(context.session.layout.base)
        var evidence: [String] = []
        var call: String?
        var operation = ""
        if let first = misplaced.first {
            call = context.label(first.entry.call)
            operation = first.kind
            for m in misplaced.prefix(3) {
                evidence.append(context.evidence(m.entry, String(
                    format: "%@ for 0x%08llX-0x%08llX sent address 0x%06X and reached flash 0x%08X%@", m.command.description,
                    base + m.intended.lowerBound, base + m.intended.upperBound - 1, m.command.sentAddress ?? 0,
                    m.command.effectiveAddress ?? 0, m.command.bank.map { " (bank register = \($0))" } ?? "")))
            }
            if misplaced.count > 3 { evidence.append("… and \(misplaced.count - 3) more commands in the wrong bank") }
        } else if context.failed, let read = Self.misreadByte(context, flash: flash) {
            operation = "read"
            call = context.label(read.entry.call) ?? "the read-back"
            evidence.append(String(format: "the flash holds the right byte 0x%02X at 0x%08X, but the read-back got 0x%02X", read.expected,
                                   base + UInt64(read.offset), read.actual))
            evidence.append(context.evidence(read.entry, read.command.description + String(
                format: " read it from flash 0x%08X (sent address 0x%06X)", read.from, read.command.sentAddress ?? 0)))
        } else {
            return nil
        }
        if let m = context.run.verifyMismatch { evidence.append(String(format: "read-back differs first at 0x%08X", m.address)) }
        for r in context.unrequestedChanges().prefix(1) {
            evidence.append(String(format: "flash 0x%08X-0x%08X changed though nothing was written there", r.lowerBound, r.upperBound - 1))
        }
        return SessionFinding(code: code, severity: .error,
                              message: "the loader's \(operation) commands reach the wrong 16 MiB bank: a 3-byte address carries A23..A0 only, and the flash takes bits 25:24 from its bank address register (or a 4-byte opcode went out with a 24-bit OCTOSPI address); use the 4-byte opcodes (12h/34h/21h/DCh/6Ch/ECh) with a 32-bit address, or enter 4-byte mode (B7h), or set the bank register before every command",
                              call: call, evidence: evidence)
    }

    /// Programs and erases that went to `intended` modulo 16 MiB, but to another bank.
    static func misplacedCommands(_ context: DiagnosisContext, part: FlashPart) -> [Misplaced] {
        let base = UInt64(context.session.layout.base)
        var found: [Misplaced] = []
        for (entry, event) in context.flashEvents() {
            guard case .commandDecoded(let c) = event, let index = entry.call, let effective = c.effectiveAddress,
                  let operation = part.command(c.opcode)?.operation else { continue }
            let call = context.calls[index]
            guard call.arguments.count >= 2 else { continue }
            let start = UInt64(call.arguments[0]) &- base
            let intended: Range<UInt64>
            var reached = UInt64(effective)..<(UInt64(effective) + 1)
            switch operation {
            case .pageProgram where call.function == "Write":
                guard UInt64(call.arguments[0]) >= base else { continue }
                intended = start..<(start + UInt64(call.arguments[1]))
            case .erase(let bytes) where call.function == "SectorErase":
                guard UInt64(call.arguments[0]) >= base, call.arguments[1] >= call.arguments[0] else { continue }
                intended = start..<(UInt64(call.arguments[1]) - base + 1)
                let block = UInt64(effective) & ~UInt64(bytes - 1)
                reached = block..<(block + UInt64(bytes))
            default:
                continue
            }
            guard !intended.overlaps(reached), sameOffsetInBank(UInt64(effective), intended) else { continue }
            // The address bits that decide the bank never reached the flash.
            guard c.bank != nil || (c.sentAddress.map { UInt64($0) < bankSize } ?? false) else { continue }
            found.append(Misplaced(entry: entry, command: c, intended: intended, kind: operation == .pageProgram ? "program" : "erase"))
        }
        return found
    }

    /// Whether `address` has the low 24 bits of some address in `range`.
    static func sameOffsetInBank(_ address: UInt64, _ range: Range<UInt64>) -> Bool {
        guard UInt64(range.count) < bankSize else { return true }
        let low = range.lowerBound % bankSize
        return (address % bankSize &+ bankSize &- low) % bankSize < UInt64(range.count)
    }

    struct Misread {
        var entry: TraceEntry
        var command: DecodedCommand
        var offset: UInt32
        var from: UInt32
        var expected: UInt8
        var actual: UInt8
    }

    /// The first mismatching byte of the read-back, when the flash holds it correctly and a
    /// read took that offset from another bank.
    static func misreadByte(_ context: DiagnosisContext, flash: NORFlash) -> Misread? {
        guard let m = context.run.verifyMismatch else { return nil }
        let offset = m.address &- context.session.layout.base
        guard flash.read(address: offset, count: 1).first == m.expected, m.expected != m.actual else { return nil }
        for (entry, event) in context.flashEvents() {
            guard case .commandDecoded(let c) = event, let effective = c.effectiveAddress,
                  flash.part.command(c.opcode)?.operation == .read else { continue }
            if let index = entry.call, ["Write", "SectorErase", "MassErase"].contains(context.calls[index].function) { continue }
            guard c.bank != nil || (c.sentAddress.map { UInt64($0) < bankSize } ?? false) else { continue }
            let bankOf = UInt64(effective) / bankSize
            guard bankOf != UInt64(offset) / bankSize else { continue }
            let alias = bankOf * bankSize + UInt64(offset) % bankSize
            guard UInt64(effective) <= alias, alias < UInt64(effective) + UInt64(max(c.dataBytes, 1)) else { continue }
            return Misread(entry: entry, command: c, offset: offset, from: UInt32(alias), expected: m.expected, actual: m.actual)
        }
        return nil
    }
}
