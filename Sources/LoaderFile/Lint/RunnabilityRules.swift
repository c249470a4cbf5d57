import ELF

/// A loader that parses but cannot run: nothing to download, an entry point the core cannot
/// reach, or a device range no programmer can address. Each of these made the session trap or
/// fault in ways that blamed something else; `program` refuses them before anything runs
/// (`LoaderFile.unrunnableCodes`).
enum RunnabilityRules {
    /// The STM32U5 regions a device range must not overlap, and the windows through which the
    /// programmer reads a memory-mapped device back (stm32u5.md B.1: FMC, OCTOSPI2, OCTOSPI1,
    /// HSPI1 at 0x6000_0000/0x7000_0000/0x9000_0000/0xA000_0000; SRAM and flash secure aliases
    /// at +0x1000_0000; at most 256 MB per window).
    static let internalRegions: [(name: String, range: Range<UInt64>)] = [
        ("the MCU's flash", 0x0800_0000..<0x0840_0000),
        ("the MCU's flash (secure alias)", 0x0C00_0000..<0x0C40_0000),
        ("the MCU's SRAM", 0x2000_0000..<0x202F_0000),
        ("the MCU's SRAM (secure alias)", 0x3000_0000..<0x302F_0000),
    ]
    static let externalWindows: [Range<UInt64>] = [
        0x6000_0000..<0x7000_0000, 0x7000_0000..<0x8000_0000, 0x9000_0000..<0xA000_0000, 0xA000_0000..<0xB000_0000,
    ]

    static func check(_ loader: LoaderFile, options: LintOptions) -> [Finding] {
        var findings: [Finding] = []
        let downloaded = loader.downloadedSegments
        if downloaded.isEmpty {
            findings.append(Finding(
                code: "no-code", severity: .error,
                message: "no PT_LOAD segment has file bytes to download (e_phnum 0, no PT_LOAD, or p_filesz 0): the programmer would start a loader that is not there"
            ))
        } else {
            for entry in loader.entryPoints {
                let target = UInt64(entry.address & ~1)
                let inside = downloaded.contains { $0.memoryRange.contains(target) }
                if !inside {
                    findings.append(Finding(
                        code: "entry-point-outside", severity: .error,
                        message: "\(entry.name) is at \(hexAddress(entry.address)), outside every downloaded segment: the host branches into memory that holds no loader code",
                        address: entry.address, fileOffset: entry.symbolFileOffset
                    ))
                }
            }
        }
        if let info = loader.storageInfo, loader.storageInfoBytes?.count ?? 0 >= 0x78 {
            findings += deviceRange(info, loader: loader)
        }
        return findings
    }

    private static func deviceRange(_ info: StorageInfo, loader: LoaderFile) -> [Finding] {
        let offset = loader.storageInfoFileOffset.map { $0 + 0x68 }
        let start = UInt64(info.deviceStartAddress)
        let size = max(UInt64(info.deviceSize), info.sectorTableTotal)
        guard size > 0 else { return [] }
        let (end, overflow) = start.addingReportingOverflow(size)
        if overflow || end > 0x1_0000_0000 {
            let beyond = overflow ? "far" : "\(hex(end - 0x1_0000_0000)) bytes"
            return [Finding(
                code: "device-range-wraps", severity: .error,
                message: "DeviceStartAddress \(hexAddress(info.deviceStartAddress)) + \(hex(size)) bytes runs \(beyond) past the 4 GiB a Cortex-M can address: the device range wraps around to 0",
                fileOffset: offset
            )]
        }
        let range = start..<end
        for region in internalRegions where region.range.overlaps(range) {
            return [Finding(
                code: "device-range-overlaps", severity: .error,
                message: "the device range \(hex(start))-\(hex(end - 1)) overlaps \(region.name) (\(hex(region.range.lowerBound))-\(hex(region.range.upperBound - 1))): the programmer would take the image's data for the MCU's own memory",
                fileOffset: offset
            )]
        }
        if info.knownDeviceType == .norFlash, !externalWindows.contains(where: { $0.lowerBound <= start && end <= $0.upperBound }) {
            return [Finding(
                code: "device-range-unmapped", severity: .error,
                message: "NOR_FLASH device range \(hex(start))-\(hex(end - 1)) is not inside one of the STM32U5's external-memory windows (FMC 0x60000000, OCTOSPI2 0x70000000, OCTOSPI1 0x90000000, HSPI1 0xA0000000, 256 MB each): the programmer reads a NOR_FLASH back through that window",
                fileOffset: offset
            )]
        }
        return []
    }
}

extension LoaderFile {
    /// Lint codes of loaders that load but cannot run; `program` refuses them with the code.
    /// `ram-overflow`: a segment or `.bss` that leaves no room for the stack and buffers.
    public static let unrunnableCodes: Set<String> = [
        "no-code", "entry-point-outside", "device-range-wraps", "device-range-overlaps", "device-range-unmapped", "ram-overflow",
    ]
}
