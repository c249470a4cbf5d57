import Foundation
import NORFlash

/// A rule that fires on one kind of flash event.
protocol FlashEventRule: DiagnosisRule {
    func matches(_ event: FlashEvent) -> Bool
    func message(_ first: FlashEvent, count: Int) -> String
}

extension FlashEventRule {
    func evaluate(_ context: DiagnosisContext) -> SessionFinding? {
        let hits = context.flashEvents().filter { matches($0.event) }
        guard let first = hits.first else { return nil }
        let evidence = hits.prefix(4).map { context.evidence($0.entry, $0.event.message) }
            + (hits.count > 4 ? ["… and \(hits.count - 4) more"] : [])
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
        let evidence = hits.prefix(4).map { context.evidence($0.entry, $0.event.message) }
            + (hits.count > 4 ? ["… and \(hits.count - 4) more"] : [])
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
