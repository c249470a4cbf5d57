import ELF

/// Mandatory functions and their Thumb bit (cubeprogrammer-loader.md §1.3, §6).
enum EntryPointRules {
    static func check(_ loader: LoaderFile) -> [Finding] {
        guard loader.elf.hasSymbolTable else { return [] }
        var findings: [Finding] = []
        for name in ["Init", "Write"] where loader.entryPoint(named: name) == nil {
            findings.append(Finding(
                code: "entry-point-missing", severity: .error,
                message: "no global function \(name): CubeProgrammer cannot \(name == "Init" ? "initialise the memory" : "program")"
            ))
        }
        if let type = loader.storageInfo?.knownDeviceType, type.needsErase, loader.entryPoint(named: "SectorErase") == nil {
            findings.append(Finding(
                code: "sector-erase-missing", severity: .error,
                message: "no global function SectorErase, but DeviceType \(type.headerName) must be erased before it is written"
            ))
        }
        for entry in loader.entryPoints where !entry.isThumb {
            findings.append(Finding(
                code: "entry-point-not-thumb", severity: .error,
                message: "\(entry.name) is at the even address \(hexAddress(entry.address)): the host branches there with the Thumb bit clear and the Cortex-M faults (INVSTATE); declare it a function (.type \(entry.name), %function)",
                address: entry.address, fileOffset: entry.symbolFileOffset
            ))
        }
        return findings
    }
}
