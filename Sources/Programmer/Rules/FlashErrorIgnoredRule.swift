import NORFlash

/// `flash-error-ignored`: the flash reported that a program or erase failed (Micron flag
/// status bit 4/5, ISSI P_ERR/E_ERR, Macronix P_FAIL/E_FAIL) and the loader call that sent
/// it returned success anyway. A loader that polls only WIP never sees these bits: on a
/// Micron part WIP clears whether the operation worked or not (docs/parts.md).
///
/// It speaks only when the failing call returned 1: a loader that read the flag and
/// returned 0 did its job, and the failure is the flash's, not the loader's.
struct FlashErrorIgnoredRule: DiagnosisRule {
    let code = "flash-error-ignored"

    func evaluate(_ context: DiagnosisContext) -> SessionFinding? {
        let ignored = context.flashEvents().filter { item in
            guard case .operationFailed = item.event, let call = item.entry.call, call < context.calls.count else { return false }
            return context.calls[call].succeeded
        }
        guard let first = ignored.first, case .operationFailed(let command, let address, let flag) = first.event else { return nil }
        let evidence = ignored.prefix(4).map { context.evidence($0.entry, $0.event.message) }
            + (ignored.count > 4 ? ["… and \(ignored.count - 4) more"] : [])
        return SessionFinding(
            code: code, severity: context.mistakeSeverity,
            message: "the flash reported that \(command) at 0x\(String(address, radix: 16, uppercase: true)) failed (\(flag)) "
                + "and the loader returned success: after each program and erase read the part's error flags "
                + "(Micron: flag status register 70h, then clear it with 50h) and return 0 when one is set",
            call: context.label(first.entry.call), evidence: evidence)
    }
}
