import ELF

/// A two-segment file shaped like a GCC-built loader: code at 0x2000_0004, a 200-byte info block at 0.
func makeSampleELF(entry: UInt32 = 0x2000_0005) -> [UInt8] {
    var builder = ELFBuilder()
    builder.entry = entry
    let code: [UInt8] = (0..<64).map { UInt8($0) }
    let text = builder.addSection(".text", flags: Section.flagAlloc | Section.flagExecute, address: 0x2000_0004, bytes: code)
    let bss = builder.addNoBitsSection(".bss", address: 0x2000_0044, size: 0x20)
    let info = builder.addSection(".Dev_info", address: 0, bytes: [UInt8](repeating: 0xAB, count: 200))
    builder.addSegment(flags: 7, sections: [text, bss])
    builder.addSegment(flags: 4, sections: [info])
    builder.addSymbol("Init", value: 0x2000_0005, size: 16, section: text)
    builder.addSymbol("Write", value: 0x2000_0015, size: 32, section: text)
    builder.addSymbol("helper", value: 0x2000_0035, size: 0, binding: .local, section: text)
    builder.addSymbol("StorageInfo", value: 0, size: 200, kind: .object, section: info)
    return builder.build()
}

extension Array where Element == UInt8 {
    func u16(at offset: Int) -> UInt16 { UInt16(self[offset]) | UInt16(self[offset + 1]) << 8 }
    func u32(at offset: Int) -> UInt32 {
        UInt32(self[offset]) | UInt32(self[offset + 1]) << 8 | UInt32(self[offset + 2]) << 16 | UInt32(self[offset + 3]) << 24
    }
    mutating func setU16(_ value: UInt16, at offset: Int) {
        self[offset] = UInt8(value & 0xFF)
        self[offset + 1] = UInt8(value >> 8)
    }
    mutating func setU32(_ value: UInt32, at offset: Int) {
        for i in 0..<4 { self[offset + i] = UInt8(value >> (8 * UInt32(i)) & 0xFF) }
    }

    /// File offset of section header `index`.
    func sectionHeaderOffset(_ index: Int) -> Int { Int(u32(at: 32)) + 40 * index }
    /// File offset of program header `index`.
    func programHeaderOffset(_ index: Int) -> Int { Int(u32(at: 28)) + 32 * index }
}

/// Parses `bytes` and returns the error, or nil when it parsed.
func parseError(_ bytes: [UInt8], name: String = "loader.stldr") -> ELFError? {
    do {
        _ = try ELFFile(bytes: bytes, name: name)
        return nil
    } catch {
        return error
    }
}
