import ELF

/// The ELF-level shape CubeProgrammer expects: ELF32 LE ARM `ET_EXEC` with a symbol table (§1.1).
enum ELFRules {
    static func check(_ loader: LoaderFile) -> [Finding] {
        var findings: [Finding] = []
        let header = loader.elf.header
        if header.machine != ELFHeader.machineARM {
            findings.append(Finding(
                code: "elf-not-arm", severity: .error,
                message: "e_machine is \(header.machine), not 40 (EM_ARM): this is not Cortex-M code",
                fileOffset: 18
            ))
        }
        if header.type != ELFHeader.typeExecutable {
            findings.append(Finding(
                code: "elf-not-executable", severity: .error,
                message: "e_type is \(header.type), not 2 (ET_EXEC): a loader is the linked executable, not an object file",
                fileOffset: 16
            ))
        }
        if !loader.elf.hasSymbolTable {
            findings.append(Finding(
                code: "symbol-table-missing", severity: .error,
                message: "the file has no .symtab (stripped?): CubeProgrammer finds StorageInfo and Init/Write by symbol name"
            ))
        }
        if header.isHardFloat {
            findings.append(Finding(
                code: "hard-float", severity: .warning,
                message: "built for the hard-float ABI (e_flags \(hex(header.flags, digits: 8))): FP instructions, or a VPUSH in a prologue, fault (NOCP) unless the loader sets CPACR CP10/CP11 before them; the host does not",
                fileOffset: 36
            ))
        }
        return findings
    }
}
