import ELF
import LoaderFile

/// Loaders a hostile user (or a broken build) hands the lab, generated here rather than
/// shipped as binaries: each knob plants one defect in an otherwise well-formed loader whose
/// functions all return 1.
struct HostileLoader {
    var storageInfo = StorageInfo(
        deviceName: "HOSTILE", deviceType: DeviceType.norFlash.rawValue,
        deviceStartAddress: 0x9000_0000, deviceSize: 0x400_0000, pageSize: 0x100, eraseValue: 0xFF,
        sectors: [.init(count: 1024, size: 0x1_0000)]
    )
    var codeAddress: UInt32 = 0x2000_0004
    /// nil: one code segment; 0: no program headers at all.
    var codeSegmentType: UInt32 = ProgramHeader.typeLoad
    var codeSegmentCount = 1
    var codeMemorySize: UInt32?
    /// Code only in a NOBITS section: a PT_LOAD with p_filesz 0.
    var codeIsNoBits = false
    var noProgramHeaders = false
    var entryOverride: [String: UInt32] = [:]

    /// `movs r0, #1; bx lr` and NOPs: 16 bytes per entry point.
    static let returnOne: [UInt8] = [0x01, 0x20, 0x70, 0x47] + Array(repeating: [0x00, 0xBF], count: 6).flatMap { $0 }
    static let entryPoints = ["Init", "Write", "SectorErase", "MassErase", "Read", "Verify"]

    func build() -> [UInt8] {
        var builder = ELFBuilder()
        let code = Self.entryPoints.flatMap { _ in Self.returnOne }
        let text = codeIsNoBits
            ? builder.addNoBitsSection(".text", address: codeAddress, size: UInt32(code.count))
            : builder.addSection(".text", flags: Section.flagAlloc | Section.flagExecute, address: codeAddress, bytes: code)
        let info = builder.addSection(".Dev_info", address: 0, bytes: storageInfo.encoded())
        if !noProgramHeaders {
            for _ in 0..<codeSegmentCount {
                builder.addSegment(type: codeSegmentType, flags: 7, sections: [text], memorySize: codeMemorySize)
            }
            builder.addSegment(flags: ProgramHeader.flagRead, sections: [info])
        }
        for (index, name) in Self.entryPoints.enumerated() {
            builder.addSymbol(name, value: entryOverride[name] ?? codeAddress + UInt32(16 * index) + 1, size: 16, section: text)
        }
        builder.addSymbol("StorageInfo", value: 0, size: 200, kind: .object, section: info)
        return builder.build()
    }
}
