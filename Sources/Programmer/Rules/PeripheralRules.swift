import Foundation
import STM32U5

/// `peripheral-clock-disabled`: a block was written or read with its RCC enable bit off;
/// it ignores writes and reads as zero (RM0456 RCC: a peripheral without its bus clock).
struct PeripheralClockRule: DiagnosisRule {
    let code = "peripheral-clock-disabled"

    func evaluate(_ context: DiagnosisContext) -> SessionFinding? {
        var evidence: [String] = []
        var bits: [String] = []
        var firstCall: Int?
        var withoutEffect: [String] = []
        for (entry, event) in context.socEvents() {
            switch event {
            case .unclockedAccessWithoutEffect:
                if withoutEffect.count < 4 { withoutEffect.append(context.evidence(entry, event.message)) }
            case .ignoredWrite(_, _, _, .clockDisabled(let bit)), .readWhileClockDisabled(_, _, let bit):
                if !bits.contains(bit) { bits.append(bit) }
                if evidence.count < 4 { evidence.append(context.evidence(entry, event.message)) }
                firstCall = firstCall ?? entry.call
            case .noKernelClock:
                if evidence.count < 4 { evidence.append(context.evidence(entry, event.message)) }
                firstCall = firstCall ?? entry.call
            default: break
            }
        }
        if evidence.isEmpty, !withoutEffect.isEmpty {
            // Reads of 0 and writes of the reset value to a block still at reset: the same
            // outcome as with the clock on, so not a mistake (Diagnosis lists it last).
            return SessionFinding(code: code, severity: .note,
                                  message: "the loader touched a peripheral before enabling its clock, but only read registers that hold 0 or wrote the values they already held: no effect on the outcome",
                                  call: nil, evidence: withoutEffect)
        }
        guard !evidence.isEmpty else { return nil }
        let what = bits.isEmpty ? "a peripheral's kernel clock" : bits.joined(separator: ", ")
        return SessionFinding(code: code, severity: context.mistakeSeverity,
                              message: "the loader uses a peripheral whose clock is off (\(what) = 0): its register writes are ignored and reads return 0; enable the clock in RCC before touching it",
                              call: context.label(firstCall), evidence: evidence)
    }
}

/// `pins-not-routed`: a flash signal never reaches the board's pin (GPIO mode or AF, or the
/// OCTOSPIM port routing).
struct PinsNotRoutedRule: DiagnosisRule {
    let code = "pins-not-routed"

    func evaluate(_ context: DiagnosisContext) -> SessionFinding? {
        var evidence: [String] = []
        var pins: [String] = []
        var unwired: [String] = []
        var firstCall: Int?
        for (entry, event) in context.socEvents() {
            guard case .signalBlocked(_, let signal, let pin, let reason) = event else { continue }
            if reason == .notWiredOnBoard {
                if !unwired.contains(signal.description) {
                    unwired.append(signal.description)
                    evidence.append(context.evidence(entry, event.message))
                }
            } else {
                let name = pin.map { "\($0) (\(signal))" } ?? "\(signal)"
                guard !pins.contains(name) else { continue }
                pins.append(name)
                evidence.append(context.evidence(entry, event.message))
            }
            firstCall = firstCall ?? entry.call
        }
        let board = context.session.options.board
        if pins.isEmpty, !unwired.isEmpty {
            // Not a routing slip: the loader drives lines this board does not have.
            return SessionFinding(code: code, severity: context.mistakeSeverity,
                                  message: "the loader sends commands over \(unwired.joined(separator: " and ")), which this board does not wire to the MCU (it wires the flash's IO0 and IO1 only, WP#/HOLD# held high): those commands never reach the flash as sent; use one- or two-line commands on this board, or a loader for a quad board",
                                  call: context.label(firstCall), evidence: evidence)
        }
        guard !pins.isEmpty else { return nil }
        // A U535/U545 has no OCTOSPIM: OCTOSPI1 owns its pins, and only GPIO can block them.
        let ports = board.wiredPorts.isEmpty ? [board.octospi.port] : board.wiredPorts
        let (wiring, check) = board.mcuDescription.hasOCTOSPIM
            ? ((ports.count == 1 ? "OCTOSPIM port \(ports[0])" : "OCTOSPIM ports " + ports.map(String.init).joined(separator: " and ")), "MODER=AF, AFR and OCTOSPIM_PCR")
            : ("OCTOSPI1's own pins (the \(board.mcu) has no OCTOSPIM)", "MODER=AF and AFR")
        return SessionFinding(code: code, severity: context.mistakeSeverity,
                              message: "the flash is wired to \(wiring) on pins the loader never routed: \(pins.joined(separator: ", ")); the flash sees nothing on those lines (check \(check) for this board)",
                              call: context.label(firstCall), evidence: evidence)
    }
}

/// `memory-mapped-active`: indirect commands attempted while the OCTOSPI was memory-mapped or
/// busy: RM0456 ignores AR/IR (and configuration) writes then, so the command never goes out.
struct MemoryMappedActiveRule: DiagnosisRule {
    let code = "memory-mapped-active"

    func evaluate(_ context: DiagnosisContext) -> SessionFinding? {
        var evidence: [String] = []
        var firstCall: Int?
        var memoryMapped = false
        for (entry, event) in context.socEvents() {
            guard case .ignoredWrite(let p, _, _, let reason) = event, p.hasPrefix("OCTOSPI"), p != "OCTOSPIM" else { continue }
            switch reason {
            case .memoryMapped: memoryMapped = true
            case .busy: break
            default: continue
            }
            if evidence.count < 4 { evidence.append(context.evidence(entry, event.message)) }
            firstCall = firstCall ?? entry.call
        }
        // A loader that waits for BUSY=0 before reconfiguring never writes while busy: it just
        // gives up. Memory-mapped mode then lasts the whole failed call, with no ABORT in it.
        if evidence.isEmpty, let (index, call) = context.failedCall, case .returned = call.outcome,
           ["Write", "SectorErase", "MassErase"].contains(call.function),
           call.memoryMappedAtStart, call.memoryMappedAtEnd,
           !context.socEvents().contains(where: { if case .abort = $0.event { return $0.entry.call == index }; return false }),
           // A call that did reach the flash was not refused (it left memory-mapped mode and came back).
           !context.flashEvents().contains(where: { $0.entry.call == index }) {
            memoryMapped = true
            firstCall = index
            evidence.append("OCTOSPI\(context.session.options.board.octospi.instance) was in memory-mapped mode (CR.FMODE=11, SR.BUSY=1 after the first window access) for all of \(call.name), and \(call.name) never set CR.ABORT")
            evidence.append("the flash saw no command during \(call.name): the call gave up without leaving memory-mapped mode (as HAL_OSPI_Command does, returning HAL_ERROR while its driver state is BUSY_MEM_MAPPED)")
        }
        guard !evidence.isEmpty, context.failed else { return nil }
        return SessionFinding(code: code, severity: .error,
                              message: memoryMapped
                                ? "the loader sends indirect commands while the OCTOSPI is still in memory-mapped mode (left on by Init): AR/IR writes are ignored and the flash never sees the command; set CR.ABORT and wait for BUSY=0 before each Write/SectorErase/MassErase, then re-enter memory-mapped mode"
                                : "the loader reconfigures the OCTOSPI while SR.BUSY=1 (memory-mapped mode keeps it busy until ABORT): those writes are ignored; abort and wait for BUSY=0 first",
                              call: context.label(firstCall), evidence: evidence)
    }
}

/// `memory-mapped-not-restored`: the programmer reads NOR_FLASH devices back through the
/// memory-mapped window, so the loader must leave memory-mapped mode on (§1.2 DeviceType).
struct MemoryMappedNotRestoredRule: DiagnosisRule {
    let code = "memory-mapped-not-restored"

    func evaluate(_ context: DiagnosisContext) -> SessionFinding? {
        guard let why = context.run.mappedReadFailure else { return nil }
        return SessionFinding(code: code, severity: .error,
                              message: "the OCTOSPI is not in memory-mapped mode after the Init that precedes the programmer's read-back, so the read-back through \(String(format: "0x%08X", context.session.layout.base)) fails: Init must leave memory-mapped mode on (the programmer reloads the loader and calls Init before it reads back)",
                              call: context.calls.last?.name, evidence: [why])
    }
}
