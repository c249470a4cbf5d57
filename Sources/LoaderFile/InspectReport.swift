import ELF
import Foundation

/// What `loaderlab inspect` shows, as data: rendered as text for people and as one JSON object
/// for scripts. The command only prints it; tests check it here.
public struct InspectReport: Equatable, Sendable, Encodable {
    public struct StorageInfoReport: Equatable, Sendable, Encodable {
        public struct SectorEntry: Equatable, Sendable, Encodable {
            public var count: UInt32
            public var size: UInt32
        }

        public var deviceName: String
        public var deviceType: UInt16
        public var deviceTypeName: String?
        public var deviceStartAddress: UInt32
        public var deviceSize: UInt32
        public var pageSize: UInt32
        public var eraseValue: UInt8
        /// Entries before the `{0,0}` terminator.
        public var sectors: [SectorEntry]
        public var sectorTotal: UInt64
        public var byteCount: Int
        public var fileOffset: Int?
        public var symbolAddress: UInt32?
    }

    public struct EntryPointReport: Equatable, Sendable, Encodable {
        public var name: String
        public var address: UInt32
        public var size: UInt32
    }

    public struct SegmentReport: Equatable, Sendable, Encodable {
        public var index: Int
        public var virtualAddress: UInt32
        public var physicalAddress: UInt32
        public var fileOffset: UInt32
        public var fileSize: UInt32
        public var memorySize: UInt32
        public var flags: UInt32
        public var flagsText: String
        public var downloaded: Bool
        public var storageInfo: Bool
    }

    public struct FindingReport: Equatable, Sendable, Encodable {
        public var code: String
        public var severity: String
        public var message: String
        public var address: UInt32?
        public var fileOffset: Int?
    }

    public var file: String
    public var entry: UInt32
    public var elfFlags: UInt32
    public var storageInfo: StorageInfoReport?
    public var entryPoints: [EntryPointReport]
    public var segments: [SegmentReport]
    public var findings: [FindingReport]
    /// LoaderLab's own `BoardConfig` block (what `make-loader` patches), described in one
    /// line; nil for loaders that have none (anyone else's).
    public var boardConfig: String?

    public init(loader: LoaderFile, findings: [Finding]) {
        boardConfig = Self.describeBoardConfig(in: loader)
        file = loader.name
        entry = loader.elf.entry
        elfFlags = loader.elf.flags
        storageInfo = loader.storageInfo.map { info in
            StorageInfoReport(
                deviceName: info.deviceName, deviceType: info.deviceType,
                deviceTypeName: info.knownDeviceType?.headerName,
                deviceStartAddress: info.deviceStartAddress, deviceSize: info.deviceSize, pageSize: info.pageSize,
                eraseValue: info.eraseValue,
                sectors: info.usedSectors.map { StorageInfoReport.SectorEntry(count: $0.count, size: $0.size) },
                sectorTotal: info.sectorTableTotal,
                byteCount: loader.storageInfoBytes?.count ?? 0,
                fileOffset: loader.storageInfoFileOffset, symbolAddress: loader.storageInfoSymbol?.value
            )
        }
        entryPoints = loader.entryPoints.map { EntryPointReport(name: $0.name, address: $0.address, size: $0.size) }
        segments = loader.loadSegments.map {
            SegmentReport(
                index: $0.index, virtualAddress: $0.virtualAddress, physicalAddress: $0.physicalAddress,
                fileOffset: $0.fileOffset, fileSize: $0.fileSize, memorySize: $0.memorySize, flags: $0.flags,
                flagsText: $0.flagsDescription.trimmingCharacters(in: .whitespaces),
                downloaded: $0.isDownloaded, storageInfo: $0.isStorageInfoSegment
            )
        }
        self.findings = findings.map {
            FindingReport(code: $0.code, severity: $0.severity.rawValue, message: $0.message, address: $0.address, fileOffset: $0.fileOffset)
        }
    }

    private enum CodingKeys: String, CodingKey {
        case file, entry, elfFlags, storageInfo, entryPoints, segments, findings, boardConfig
    }

    static func describeBoardConfig(in loader: LoaderFile) -> String? {
        guard let symbol = loader.elf.symbol(named: "BoardConfig"), symbol.isDefined,
              let offset = loader.elf.fileOffset(of: symbol), offset >= 0,
              offset + BoardConfigBlock.size <= loader.elf.bytes.count else { return nil }
        let size = min(max(Int(symbol.size), BoardConfigBlock.size), loader.elf.bytes.count - offset)
        let bytes = Array(loader.elf.bytes[offset..<(offset + size)])
        do {
            let block = try BoardConfigBlock(decoding: bytes, file: loader.name, fileOffset: offset)
            let pins = zip(BoardConfigBlock.signalNames, block.pins).map { "\($0) \($1)" }.joined(separator: ", ")
            let routing = block.flags & BoardConfigBlock.flagNoOCTOSPIM != 0 ? "OCTOSPI1 on its own pins (no OCTOSPIM)" : "OCTOSPI\(block.instance) on OCTOSPIM port \(block.port)"
            let ram = block.version >= 2 ? String(format: ", RAM 0x%08X + 0x%X", block.ramBase, block.ramSize) : ""
            return "v\(block.version): \(routing), SYSCLK \(block.sysclkHz / 1_000_000) MHz, OCTOSPI clock / \(block.octospiDivider); \(pins)\(ram)"
        } catch {
            return "unusable: \(error)"
        }
    }

    /// Written by hand so that a loader without StorageInfo gives `"storageInfo": null`
    /// rather than no key: scripts can rely on every key being present.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(file, forKey: .file)
        try container.encode(entry, forKey: .entry)
        try container.encode(elfFlags, forKey: .elfFlags)
        try container.encode(storageInfo, forKey: .storageInfo)
        try container.encode(entryPoints, forKey: .entryPoints)
        try container.encode(segments, forKey: .segments)
        try container.encode(findings, forKey: .findings)
        try container.encode(boardConfig, forKey: .boardConfig)
    }

    public var hasErrors: Bool { findings.contains { $0.severity == Finding.Severity.error.rawValue } }

    // MARK: JSON

    /// One JSON object, keys sorted, numbers as JSON integers.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: Text

    public func text() -> String {
        var lines: [String] = []
        let float = elfFlags & ELFHeader.flagARMHardFloat != 0 ? "hard-float" : "soft-float"
        lines.append("\(file): ELF32 ARM, entry \(hexAddress(entry)), e_flags \(hex(elfFlags, digits: 8)) (EABI\(elfFlags >> 24), \(float))")
        lines.append("")
        if let info = storageInfo {
            var where_: [String] = ["\(info.byteCount) bytes"]
            if let address = info.symbolAddress { where_.append("symbol at \(hexAddress(address))") }
            if let offset = info.fileOffset { where_.append("file offset \(hex(offset))") }
            lines.append("StorageInfo (\(where_.joined(separator: ", ")))")
            lines.append(field("DeviceName", "\"\(info.deviceName)\""))
            lines.append(field("DeviceType", "\(info.deviceType) (\(info.deviceTypeName ?? "unknown"))"))
            lines.append(field("DeviceStartAddress", hexAddress(info.deviceStartAddress)))
            lines.append(field("DeviceSize", "\(hex(info.deviceSize)) (\(Self.sizeText(UInt64(info.deviceSize))))"))
            lines.append(field("PageSize", "\(hex(info.pageSize)) (\(info.pageSize))"))
            lines.append(field("EraseValue", hex(info.eraseValue, digits: 2)))
            lines.append(field("Sectors", info.sectors.isEmpty ? "none" : "\(info.sectors.count) entr\(info.sectors.count == 1 ? "y" : "ies")"))
            for (index, entry) in info.sectors.enumerated() {
                let total = UInt64(entry.count) * UInt64(entry.size)
                lines.append("    [\(index)] \(entry.count) × \(hex(entry.size)) (\(Self.sizeText(UInt64(entry.size)))) = \(hex(total))")
            }
            let agreement = info.sectorTotal == UInt64(info.deviceSize) ? "= DeviceSize" : "≠ DeviceSize \(hex(info.deviceSize))"
            lines.append(field("Sector total", "\(hex(info.sectorTotal)) (\(Self.sizeText(info.sectorTotal))) \(agreement)"))
        } else {
            lines.append("StorageInfo: not found")
        }
        if let boardConfig {
            lines.append("")
            lines.append("BoardConfig " + boardConfig)
        }
        lines.append("")
        lines.append("Entry points")
        let found = Dictionary(uniqueKeysWithValues: entryPoints.map { ($0.name, $0) })
        for name in EntryPoint.names {
            if let entry = found[name] {
                lines.append("  " + Self.pad(name, 12) + hexAddress(entry.address) + "  size " + hex(entry.size))
            } else {
                lines.append("  " + Self.pad(name, 12) + "-")
            }
        }
        lines.append("")
        lines.append("Load segments")
        lines.append("  #  vaddr        paddr        offset      filesz      memsz       flags")
        for s in segments {
            let role = s.storageInfo ? "StorageInfo, not downloaded" : (s.downloaded ? "downloaded" : "empty")
            lines.append(
                "  " + Self.pad("\(s.index)", 3) + Self.pad(hexAddress(s.virtualAddress), 13) + Self.pad(hexAddress(s.physicalAddress), 13)
                    + Self.pad(hex(s.fileOffset), 12) + Self.pad(hex(s.fileSize), 12) + Self.pad(hex(s.memorySize), 12)
                    + Self.pad(s.flagsText, 8) + role
            )
        }
        lines.append("")
        if findings.isEmpty {
            lines.append("No findings.")
        } else {
            for finding in findings {
                let severity = Finding.Severity(rawValue: finding.severity) ?? .note
                lines.append(Finding(
                    code: finding.code, severity: severity, message: finding.message,
                    address: finding.address, fileOffset: finding.fileOffset
                ).rendered(file: file))
            }
            let errors = findings.filter { $0.severity == "error" }.count
            let warnings = findings.filter { $0.severity == "warning" }.count
            let notes = findings.count - errors - warnings
            lines.append("\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s"), \(notes) note\(notes == 1 ? "" : "s")")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func field(_ name: String, _ value: String) -> String {
        "  " + Self.pad(name, 20) + value
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    /// `64 MiB`, `4 KiB`, `300 bytes`.
    static func sizeText(_ bytes: UInt64) -> String {
        for (unit, shift) in [("GiB", 30), ("MiB", 20), ("KiB", 10)] as [(String, UInt64)] where bytes >= 1 << shift && bytes % (1 << shift) == 0 {
            return "\(bytes >> shift) \(unit)"
        }
        return "\(bytes) bytes"
    }
}
