import ELF
import LoaderFile

/// A hand-made loader shaped like ST's GCC/IAR output: code + data at 0x2000_0004 (RWX) and a
/// separate read-only segment at 0 holding only StorageInfo. Each field is a knob a test turns
/// to plant exactly one defect.
struct LoaderFixture {
    var fileName = "IS25LP512M_STM32U5G7.stldr"
    var storageInfo = StorageInfo(
        deviceName: "IS25LP512M_STM32U5G7", deviceType: DeviceType.norFlash.rawValue,
        deviceStartAddress: 0x9000_0000, deviceSize: 0x400_0000, pageSize: 0x100, eraseValue: 0xFF,
        sectors: [.init(count: 1024, size: 0x1_0000)]
    )
    /// Replaces the encoded StorageInfo bytes (for layout defects).
    var storageInfoBytes: [UInt8]?
    var exportStorageInfo = true
    var codeAddress: UInt32 = 0x2000_0004
    var codeFlags: UInt32 = 7
    var entryPoints = ["Init", "Write", "SectorErase", "MassErase", "Verify", "CheckSum"]
    var thumbBit = true
    var extraCode: [UInt8] = []
    var bssSize: UInt32 = 0
    var elfFlags: UInt32 = 0x0500_0200
    var includeSymbolTable = true
    var extraSymbols: [String] = []
    /// Put the info segment here instead of address 0 (inside the code range reproduces ST's GCC script).
    var infoAddress: UInt32 = 0
    /// A second code segment at this address, for overlap tests.
    var secondCodeSegment: UInt32?

    /// `movs r0, #1; bx lr`, padded with NOPs to 16 bytes: a function that returns success.
    static let returnOne: [UInt8] = [0x01, 0x20, 0x70, 0x47] + Array(repeating: [0x00, 0xBF], count: 6).flatMap { $0 }

    func build() -> [UInt8] {
        var builder = ELFBuilder()
        builder.flags = elfFlags
        let code = entryPoints.flatMap { _ in Self.returnOne } + extraCode
        let text = builder.addSection(".text", flags: Section.flagAlloc | Section.flagExecute, address: codeAddress, bytes: code)
        var codeSections = [text]
        if bssSize > 0 {
            codeSections.append(builder.addNoBitsSection(".bss", address: codeAddress + UInt32(code.count), size: bssSize))
        }
        let info = builder.addSection(".Dev_info", address: infoAddress, bytes: storageInfoBytes ?? storageInfo.encoded())
        builder.addSegment(flags: codeFlags, sections: codeSections)
        builder.addSegment(flags: ProgramHeader.flagRead, sections: [info])
        if let second = secondCodeSegment {
            let more = builder.addSection(".text2", flags: Section.flagAlloc | Section.flagExecute, address: second, bytes: Self.returnOne)
            builder.addSegment(flags: 5, sections: [more])
        }
        for (index, name) in entryPoints.enumerated() {
            let address = codeAddress + UInt32(16 * index) + (thumbBit ? 1 : 0)
            builder.addSymbol(name, value: address, size: 16, kind: thumbBit ? .function : .none, section: text)
            if index == 0 { builder.entry = address }
        }
        if exportStorageInfo {
            builder.addSymbol("StorageInfo", value: infoAddress, size: UInt32((storageInfoBytes ?? storageInfo.encoded()).count), kind: .object, section: info)
        }
        for name in extraSymbols {
            builder.addSymbol(name, value: codeAddress + 1, size: 2, section: text)
        }
        builder.includeSymbolTable = includeSymbolTable
        return builder.build()
    }

    func loader() throws -> LoaderFile {
        try LoaderFile(bytes: build(), name: fileName)
    }

    func codes(options: LintOptions = .stm32u5g7) throws -> [String] {
        try loader().lint(options: options).map(\.code)
    }

    func finding(_ code: String, options: LintOptions = .stm32u5g7) throws -> Finding? {
        try loader().lint(options: options).first { $0.code == code }
    }
}
