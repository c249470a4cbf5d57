import Foundation
import NORFlash

extension DiagnosisContext {
    /// The first four flash events as evidence, then how many more there were.
    func evidence(_ hits: [(entry: TraceEntry, event: FlashEvent)]) -> [String] {
        hits.prefix(4).map { evidence($0.entry, $0.event.message) } + (hits.count > 4 ? ["… and \(hits.count - 4) more"] : [])
    }
}

/// A rule that fires on one kind of flash event.
protocol FlashEventRule: DiagnosisRule {
    func matches(_ event: FlashEvent) -> Bool
    func message(_ first: FlashEvent, count: Int) -> String
}

extension FlashEventRule {
    func evaluate(_ context: DiagnosisContext) -> SessionFinding? {
        let hits = context.flashEvents().filter { matches($0.event) }
        guard let first = hits.first else { return nil }
        let evidence = context.evidence(Array(hits))
        return SessionFinding(code: code, severity: context.mistakeSeverity, message: message(first.event, count: hits.count),
                              call: context.label(first.entry.call), evidence: evidence)
    }
}

/// `quad-not-enabled`: a 4-line phase with QE=0: IO2/IO3 are still WP#/HOLD#
/// (is25lp512m.md §A.7 gotcha 4). The message names where the board's part keeps QE
/// (SR1 bit 6 on ISSI/Macronix, SR2 bit 1 on Winbond: docs/parts.md).
struct QuadNotEnabledRule: DiagnosisRule {
    let code = "quad-not-enabled"

    func evaluate(_ context: DiagnosisContext) -> SessionFinding? {
        let hits = context.flashEvents().filter { if case .quadWithoutQE = $0.event { return true }; return false }
        guard let first = hits.first else { return nil }
        let evidence = context.evidence(Array(hits))
        let board = context.session.options.board
        let part = FlashPart.part(named: board.flash) ?? .is25lp512m
        // On a board without IO2/IO3 setting QE would not have helped (and would turn inputs
        // tied high into data lines): the missing lines decide, pins-not-routed names them.
        guard board.wiresQuadData else {
            return SessionFinding(code: code, severity: .note,
                                  message: "the \(part.name)'s QE bit was 0 during the loader's quad transfers, but this board does not wire IO2/IO3 to the MCU, so quad transfers cannot work on it whatever QE says",
                                  call: context.label(first.entry.call), evidence: evidence)
        }
        return SessionFinding(code: code, severity: context.mistakeSeverity, message: Self.message(part),
                              call: context.label(first.entry.call), evidence: evidence)
    }

    static func message(_ part: FlashPart) -> String {
        guard case .bit(let register, _) = part.traits.quadEnable else {
            return "the loader uses quad (4-line) transfers that the \(part.name) refused as if QE were 0"
        }
        let location = part.traits.quadEnable.describe(names: part.traits.statusRegisterNames)
        let how: String
        if register == 0 {
            how = "WREN + 01h with one byte"
        } else if let write = part.commands.first(where: { $0.operation == .writeStatusRegister(index: register) }) {
            how = "WREN + \(String(write.opcode, radix: 16, uppercase: true))h, or WREN + 01h with \(register + 1) bytes"
        } else {
            how = "WREN + 01h with \(register + 1) bytes"
        }
        return "the loader uses quad (4-line) transfers but the \(part.name)'s QE bit (\(location)) is 0: the flash ignores them and IO2/IO3 act as WP#/HOLD#; set QE with \(how) in Init"
    }
}

/// `flash-mode-mismatch`: the failing call's instructions went out on a line count the flash
/// was not listening on (1 line while it is in QPI, 4 lines while it is in SPI), and the flash
/// understood nothing from it afterwards. A flash left in QPI by an earlier run or by the
/// application (`--leftover qpi`) that the loader never takes out of it is the usual form.
/// Silent where the loader got through afterwards: a recovery reset sent both ways (our
/// loader's 4-line 66h/99h to a flash in SPI) is not a mistake; nor is one the lab cut short
/// (a budget stop right after ST's reset-in-every-mode sequence): the call must have given up
/// by itself, hit the programmer's timeout, or kept resending to a flash that cannot hear it.
/// Octal loaders' 8-line resets to a flash in SPI are recovery attempts, not this mistake.
struct FlashModeMismatchRule: DiagnosisRule {
    let code = "flash-mode-mismatch"

    func evaluate(_ context: DiagnosisContext) -> SessionFinding? {
        guard let (index, call) = context.failedCall else { return nil }
        let events = context.flashEvents().filter { $0.entry.call == index }
        var misses: [(entry: TraceEntry, event: FlashEvent)] = []
        for e in events {
            switch e.event {
            case .instructionNotUnderstood(_, let lines, let qpi) where qpi ? lines < 4 : lines == 4:
                misses.append(e)
            case .commandDecoded:
                // The flash heard the loader after these: they did not decide the failure.
                misses.removeAll()
            default:
                break
            }
        }
        guard let first = misses.first, case .instructionNotUnderstood(_, let lines, let qpi) = first.event else { return nil }
        let opcodes = misses.compactMap { if case .instructionNotUnderstood(let op, _, _) = $0.event { op } else { nil } }
        // The call ended as the programmer ends it (returned, or its timeout while the loader
        // waited on a flash that could not hear it), or the lab's budget stopped a loader that
        // kept resending: not a budget cut right after a one-off recovery sequence.
        let decided: Bool = switch call.outcome {
        case .returned, .deviceTimeExceeded: true
        case .budgetExhausted: Set(opcodes).count < opcodes.count
        default: false
        }
        guard decided else { return nil }
        let part = FlashPart.part(named: context.session.options.board.flash) ?? .is25lp512m
        var distinct: [String] = []
        for op in opcodes.map({ String(format: "%02Xh", $0) }) where !distinct.contains(op) { distinct.append(op) }
        let evidence = context.evidence(misses)
        let message: String
        if qpi {
            let leftover = context.session.options.leftoverFlashModes.contains(.qpi) ? " (left there by an earlier run or the application: --leftover qpi)" : ""
            let exit = part.commands.first { $0.operation == .exitQPI }.map { String(format: "its QPI exit (%02Xh on 4 lines)", $0.opcode) } ?? "a reset (66h, 99h) on 4 lines"
            message = "the \(part.name) is in QPI mode\(leftover) and the loader sends its instructions on \(lines) line\(lines == 1 ? "" : "s") (\(distinct.prefix(6).joined(separator: ", "))): the flash samples 4 lines and ignores every one of them; send \(exit) before the first 1-line command, as a loader must when it cannot know the flash's mode"
        } else {
            let enter = part.commands.first { $0.operation == .enterQPI }.map { String(format: "%02Xh", $0.opcode) } ?? "its QPI entry"
            message = "the loader sends instructions on \(lines) lines (\(distinct.prefix(6).joined(separator: ", "))) while the \(part.name) is in SPI mode: the flash samples IO0 only and ignores them; enter QPI first (\(enter) on 1 line) or send them on 1 line"
        }
        return SessionFinding(code: code, severity: .error, message: message, call: context.label(first.entry.call), evidence: evidence)
    }
}

/// `write-not-enabled`: program/erase/register write without WEL (§A.4).
struct WriteNotEnabledRule: FlashEventRule {
    let code = "write-not-enabled"
    func matches(_ e: FlashEvent) -> Bool { if case .refusedWithoutWriteEnable = e { return true }; return false }
    func message(_ e: FlashEvent, count: Int) -> String {
        "the flash refused \(count) program/erase command\(count == 1 ? "" : "s") because Write Enable (06h) was not sent first: WEL clears after every program, erase and register write"
    }
}

/// `flash-busy`: a command sent while WIP=1 is ignored (§A.4 status register).
struct FlashBusyRule: FlashEventRule {
    let code = "flash-busy"
    func matches(_ e: FlashEvent) -> Bool { if case .refusedWhileBusy = e { return true }; return false }
    func message(_ e: FlashEvent, count: Int) -> String {
        "the loader sends commands while the flash is still busy (WIP=1) with a program or erase: they are ignored; poll the status register (or use OCTOSPI auto-polling) until WIP=0 after every program and erase"
    }
}

/// `dummy-cycles`: the controller's dummy count differs from the flash's read-register
/// setting, so every byte comes back shifted (§A.7 gotcha 6).
struct DummyCyclesRule: FlashEventRule {
    let code = "dummy-cycles"
    func matches(_ e: FlashEvent) -> Bool { if case .dummyCycleMismatch = e { return true }; return false }
    func message(_ e: FlashEvent, count: Int) -> String {
        if case .dummyCycleMismatch(let command, let expected, let got, _) = e {
            return "\(command) is read with \(got) dummy cycles but the flash is set for \(expected): the data comes back shifted; make OCTOSPI TCR.DCYC match the flash's read register (or set the read register explicitly)"
        }
        return "dummy cycles differ between the OCTOSPI and the flash"
    }
}

/// `page-boundary`: a page program crossed a 256-byte page and wrapped to its start
/// (cubeprogrammer-loader.md §4 item 7).
struct PageBoundaryRule: FlashEventRule {
    let code = "page-boundary"
    func matches(_ e: FlashEvent) -> Bool {
        switch e {
        case .pageWrapped, .programLongerThanPage: true
        default: false
        }
    }
    func message(_ e: FlashEvent, count: Int) -> String {
        if case .programLongerThanPage(let command, let sent, let kept) = e {
            return "a page program (\(command)) sent \(sent) bytes in one command, but a page program writes at most one \(kept)-byte page: the flash keeps only the last \(kept) bytes, wrapped inside the page; split every write at \(kept)-byte page boundaries"
        }
        return "a page program crossed a 256-byte page boundary and wrapped to the start of the page: the programmer's chunks start anywhere, so split every write at 256-byte page boundaries"
    }
}

/// `collateral-damage`: bytes outside the requested erase/program ranges changed.
struct CollateralDamageRule: DiagnosisRule {
    let code = "collateral-damage"

    func evaluate(_ context: DiagnosisContext) -> SessionFinding? {
        let outside = context.unrequestedChanges()
        guard !outside.isEmpty else { return nil }
        let total = outside.reduce(0) { $0 + Int($1.count) }
        let base = context.session.layout.base
        let culprit = context.callThatChanged(outside[0])
        var evidence = outside.prefix(4).map { String(format: "0x%08X-0x%08X (%d bytes) changed", base &+ $0.lowerBound, base &+ $0.upperBound &- 1, $0.count) }
        evidence += context.session.plan.requestedRanges.prefix(2).map { String(format: "requested: 0x%08X-0x%08X", $0.lowerBound, $0.upperBound) }
        if let culprit, let change = culprit.change {
            evidence.append("changed by \(change) during \(culprit.call)")
        }
        return SessionFinding(code: code, severity: .error,
                              message: "\(total) bytes of flash outside the sectors the programmer asked to erase and program were changed: an erase larger than the requested sectors destroys data the user kept (erase only what StorageInfo's sectors say)",
                              call: culprit?.call, evidence: evidence)
    }
}
