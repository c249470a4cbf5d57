import Foundation
import LoaderFile

/// `storageinfo-missing` / `storageinfo-layout` / a missing mandatory entry point: the
/// programmer cannot even list the loader (cubeprogrammer-loader.md §4 item 9).
struct StorageInfoRule: DiagnosisRule {
    /// The lint codes that make CubeProgrammer refuse the file; the session stops before
    /// downloading anything when one is present, and this rule reports it under its own code.
    static let unloadableCodes: Set<String> = ["storageinfo-missing", "storageinfo-layout", "entry-point-missing"]
    /// Lint errors after which the programmer refuses or misuses a loader it can load
    /// (cubeprogrammer-loader.md §1.2): they come first in a session's findings, whatever
    /// else went wrong at run time.
    static let misusedCodes: Set<String> = unloadableCodes.union([
        "sector-table-size", "sector-table-unterminated", "device-name-mismatch", "device-name-unterminated",
        "device-type-unknown", "sector-erase-missing",
    ])
    let code = "storageinfo"

    func evaluate(_ context: DiagnosisContext) -> SessionFinding? {
        guard let f = context.session.lintFindings.first(where: { Self.unloadableCodes.contains($0.code) }) else { return nil }
        var evidence: [String] = []
        if let bytes = context.session.loader.storageInfoBytes {
            evidence.append("StorageInfo symbol covers \(bytes.count) bytes; CubeProgrammer 2.12+ requires 200")
        } else if f.code == "storageinfo-missing" {
            evidence.append("no global symbol named StorageInfo in \(context.session.loader.name)'s symbol table")
        }
        return SessionFinding(code: f.code, severity: .error,
                              message: f.message + " — STM32CubeProgrammer refuses to load it (\"cannot be loaded\")",
                              call: nil, evidence: evidence)
    }
}

/// `uninitialized-bss`: the same session on zeroed RAM succeeds, so the loader read RAM it
/// never wrote. The programmer downloads only the file bytes and runs no startup code.
struct UninitializedBSSRule: DiagnosisRule {
    let code = "uninitialized-bss"

    func evaluate(_ context: DiagnosisContext) -> SessionFinding? {
        guard context.failed, let zeroed = context.zeroedRAMRun, zeroed.succeeded else { return nil }
        let loader = context.session.loader
        var evidence = [String(format: "with RAM filled with 0x%02X the session fails%@; with RAM zeroed it programs and verifies",
                               context.run.ramFill, context.failedCall.map { " in \($0.record.name)" } ?? "")]
        let bss = loader.elf.sections.filter { $0.type == 8 && $0.size > 0 }
        for s in bss {
            let covered = loader.loadSegments.contains { $0.isDownloaded && UInt64($0.virtualAddress) + UInt64($0.fileSize) > UInt64(s.address) && $0.virtualAddress <= s.address }
            evidence.append(String(format: "%@ at 0x%08X, %d bytes, %@", s.name, s.address, s.size,
                                   covered ? "inside the downloaded bytes" : "NOBITS: never downloaded, so it holds whatever RAM held"))
        }
        return SessionFinding(code: code, severity: .error,
                              message: "the loader reads .bss before writing it: the programmer does not zero it (no startup code runs); clear .bss at the start of Init",
                              call: context.failedCall?.record.name, evidence: evidence)
    }
}
