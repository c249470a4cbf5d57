/// Writes small ELF32 little-endian ARM executables from sections, segments and symbols.
///
/// Tests use it to hand-make loaders with one defect each; `make-loader` and fixtures can use
/// it to emit real files. The layout is the one GNU ld produces for a loader:
///
/// ```
/// ELF header │ program headers │ section bytes (in the order added) │ .symtab .strtab .shstrtab │ section headers
/// ```
///
/// Section indices are fixed when a section is added (1, 2, …; 0 is the null section), so a
/// segment or a symbol refers to sections by the index `addSection` returned. The builder does
/// not validate: it writes what it is told, which is the point when making defective files.
public struct ELFBuilder: Sendable {
    public struct SectionSpec: Sendable {
        public var name: String
        public var type: UInt32
        public var flags: UInt32
        public var address: UInt32
        public var bytes: [UInt8]
        /// For `SHT_NOBITS`, the size in memory; otherwise `bytes.count`.
        public var noBitsSize: UInt32
        public var alignment: UInt32
    }

    public struct SegmentSpec: Sendable {
        public var type: UInt32
        public var flags: UInt32
        public var virtualAddress: UInt32?
        public var physicalAddress: UInt32?
        public var sectionIndices: [Int]
        public var memorySize: UInt32?
    }

    public struct SymbolSpec: Sendable {
        public var name: String
        public var value: UInt32
        public var size: UInt32
        public var kind: Symbol.Kind
        public var binding: Symbol.Binding
        public var sectionIndex: UInt16
    }

    public var fileType: UInt16 = ELFHeader.typeExecutable
    public var machine: UInt16 = ELFHeader.machineARM
    public var entry: UInt32 = 0
    /// EABI version 5, soft-float: what `arm-none-eabi-gcc -mfloat-abi=soft` and IAR (FPU=None) emit.
    public var flags: UInt32 = 0x0500_0200
    /// Write `.symtab`/`.strtab` (false gives a stripped file).
    public var includeSymbolTable = true
    /// Write section headers at all (false gives a file with program headers only).
    public var includeSectionHeaders = true

    public private(set) var sections: [SectionSpec] = []
    public private(set) var segments: [SegmentSpec] = []
    public private(set) var symbols: [SymbolSpec] = []

    public init() {}

    /// Adds a section with file bytes and returns its section index.
    @discardableResult
    public mutating func addSection(
        _ name: String, type: UInt32 = Section.typeProgramBits, flags: UInt32 = Section.flagAlloc,
        address: UInt32, bytes: [UInt8], alignment: UInt32 = 4
    ) -> Int {
        sections.append(SectionSpec(
            name: name, type: type, flags: flags, address: address, bytes: bytes,
            noBitsSize: 0, alignment: max(1, alignment)
        ))
        return sections.count
    }

    /// Adds a `SHT_NOBITS` section (e.g. `.bss`) of `size` bytes and returns its index.
    @discardableResult
    public mutating func addNoBitsSection(_ name: String, address: UInt32, size: UInt32, alignment: UInt32 = 4) -> Int {
        sections.append(SectionSpec(
            name: name, type: Section.typeNoBits, flags: Section.flagAlloc | Section.flagWrite, address: address,
            bytes: [], noBitsSize: size, alignment: max(1, alignment)
        ))
        return sections.count
    }

    /// Adds a program header covering the given sections (which must be adjacent in the file,
    /// i.e. added one after the other). Addresses default to the first section's; the memory
    /// size defaults to the span of the sections including `SHT_NOBITS` ones.
    public mutating func addSegment(
        type: UInt32 = ProgramHeader.typeLoad, flags: UInt32, sections sectionIndices: [Int],
        virtualAddress: UInt32? = nil, physicalAddress: UInt32? = nil, memorySize: UInt32? = nil
    ) {
        segments.append(SegmentSpec(
            type: type, flags: flags, virtualAddress: virtualAddress, physicalAddress: physicalAddress,
            sectionIndices: sectionIndices, memorySize: memorySize
        ))
    }

    /// Adds a symbol; `section` is an index from `addSection`, `Symbol.sectionAbsolute`, or 0 (undefined).
    public mutating func addSymbol(
        _ name: String, value: UInt32, size: UInt32 = 0, kind: Symbol.Kind = .function,
        binding: Symbol.Binding = .global, section: Int
    ) {
        symbols.append(SymbolSpec(
            name: name, value: value, size: size, kind: kind, binding: binding,
            sectionIndex: UInt16(truncatingIfNeeded: section)
        ))
    }

    // MARK: Writing

    public func build() -> [UInt8] {
        var out = ByteWriter()
        let headerSize = ELFHeader.size
        let programHeaderOffset = segments.isEmpty ? 0 : headerSize
        out.bytes = [UInt8](repeating: 0, count: headerSize + segments.count * ProgramHeader.size)

        // Section contents.
        var sectionOffsets: [UInt32] = []
        for section in sections {
            out.align(to: Int(section.alignment))
            sectionOffsets.append(UInt32(out.bytes.count))
            out.bytes += section.bytes
        }

        // Symbol and string tables.
        var names = StringTable()
        var sectionNames = StringTable()
        var extra: [(name: String, type: UInt32, offset: UInt32, size: UInt32, link: UInt32, info: UInt32, align: UInt32, entsize: UInt32)] = []
        let symtabIndex = sections.count + 1
        if includeSymbolTable {
            var table = [UInt8](repeating: 0, count: Symbol.size)  // the null symbol
            let ordered = symbols.filter { $0.binding == .local } + symbols.filter { $0.binding != .local }
            for symbol in ordered {
                var entry = ByteWriter()
                entry.u32(names.add(symbol.name))
                entry.u32(symbol.value)
                entry.u32(symbol.size)
                entry.bytes.append(symbol.binding.raw << 4 | (symbol.kind.raw & 0xF))
                entry.bytes.append(0)
                entry.u16(symbol.sectionIndex)
                table += entry.bytes
            }
            out.align(to: 4)
            let symtabOffset = UInt32(out.bytes.count)
            out.bytes += table
            let strtabOffset = UInt32(out.bytes.count)
            out.bytes += names.bytes
            let locals = UInt32(1 + symbols.filter { $0.binding == .local }.count)
            extra.append((".symtab", Section.typeSymbolTable, symtabOffset, UInt32(table.count), UInt32(symtabIndex + 1), locals, 4, UInt32(Symbol.size)))
            extra.append((".strtab", Section.typeStringTable, strtabOffset, UInt32(names.bytes.count), 0, 0, 1, 0))
        }

        var sectionHeaderOffset = 0
        var sectionCount = 0
        var nameTableIndex = 0
        if includeSectionHeaders {
            let sectionNameOffsets = sections.map { sectionNames.add($0.name) }
            let extraNameOffsets = extra.map { sectionNames.add($0.name) }
            let shstrtabName = sectionNames.add(".shstrtab")
            let shstrtabOffset = UInt32(out.bytes.count)
            out.bytes += sectionNames.bytes
            out.align(to: 4)
            sectionHeaderOffset = out.bytes.count
            sectionCount = 1 + sections.count + extra.count + 1
            nameTableIndex = sectionCount - 1
            out.bytes += [UInt8](repeating: 0, count: Section.size)
            for (index, section) in sections.enumerated() {
                let size = section.type == Section.typeNoBits ? section.noBitsSize : UInt32(section.bytes.count)
                out.sectionHeader(
                    name: sectionNameOffsets[index], type: section.type, flags: section.flags, address: section.address,
                    offset: sectionOffsets[index], size: size, link: 0, info: 0, alignment: section.alignment, entrySize: 0
                )
            }
            for (index, table) in extra.enumerated() {
                out.sectionHeader(
                    name: extraNameOffsets[index], type: table.type, flags: 0, address: 0, offset: table.offset,
                    size: table.size, link: table.link, info: table.info, alignment: table.align, entrySize: table.entsize
                )
            }
            out.sectionHeader(
                name: shstrtabName, type: Section.typeStringTable, flags: 0, address: 0, offset: shstrtabOffset,
                size: UInt32(sectionNames.bytes.count), link: 0, info: 0, alignment: 1, entrySize: 0
            )
        }

        // ELF header.
        var header = ByteWriter()
        header.bytes = [0x7F, 0x45, 0x4C, 0x46, 1, 1, 1, 0] + [UInt8](repeating: 0, count: 8)
        header.u16(fileType)
        header.u16(machine)
        header.u32(1)
        header.u32(entry)
        header.u32(UInt32(programHeaderOffset))
        header.u32(UInt32(sectionHeaderOffset))
        header.u32(flags)
        header.u16(UInt16(headerSize))
        header.u16(UInt16(ProgramHeader.size))
        header.u16(UInt16(segments.count))
        header.u16(UInt16(Section.size))
        header.u16(UInt16(sectionCount))
        header.u16(UInt16(nameTableIndex))
        out.bytes.replaceSubrange(0..<headerSize, with: header.bytes)

        // Program headers.
        for (index, segment) in segments.enumerated() {
            let covered = segment.sectionIndices.compactMap { sections.indices.contains($0 - 1) ? $0 - 1 : nil }
            var offset: UInt32 = 0
            var fileSize: UInt32 = 0
            var address: UInt32 = 0
            var memoryEnd: UInt64 = 0
            if let first = covered.first {
                offset = sectionOffsets[first]
                address = sections[first].address
                for i in covered {
                    let section = sections[i]
                    if section.type != Section.typeNoBits {
                        fileSize = max(fileSize, sectionOffsets[i] + UInt32(section.bytes.count) - offset)
                    }
                    let size = section.type == Section.typeNoBits ? section.noBitsSize : UInt32(section.bytes.count)
                    memoryEnd = max(memoryEnd, UInt64(section.address) + UInt64(size))
                }
            }
            let virtualAddress = segment.virtualAddress ?? address
            let memorySize = segment.memorySize ?? UInt32(clamping: max(UInt64(fileSize), memoryEnd &- UInt64(min(UInt64(virtualAddress), memoryEnd))))
            var entry = ByteWriter()
            entry.u32(segment.type)
            entry.u32(offset)
            entry.u32(virtualAddress)
            entry.u32(segment.physicalAddress ?? virtualAddress)
            entry.u32(fileSize)
            entry.u32(memorySize)
            entry.u32(segment.flags)
            entry.u32(4)
            let at = headerSize + index * ProgramHeader.size
            out.bytes.replaceSubrange(at..<at + ProgramHeader.size, with: entry.bytes)
        }
        return out.bytes
    }
}

private struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func u16(_ value: UInt16) {
        bytes += [UInt8(value & 0xFF), UInt8(value >> 8)]
    }

    mutating func u32(_ value: UInt32) {
        bytes += [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)]
    }

    mutating func align(to alignment: Int) {
        while bytes.count % max(1, alignment) != 0 { bytes.append(0) }
    }

    mutating func sectionHeader(
        name: UInt32, type: UInt32, flags: UInt32, address: UInt32, offset: UInt32, size: UInt32,
        link: UInt32, info: UInt32, alignment: UInt32, entrySize: UInt32
    ) {
        for field in [name, type, flags, address, offset, size, link, info, alignment, entrySize] { u32(field) }
    }
}

/// An ELF string table: starts with a NUL, each name NUL-terminated.
private struct StringTable {
    var bytes: [UInt8] = [0]

    mutating func add(_ name: String) -> UInt32 {
        guard !name.isEmpty else { return 0 }
        let offset = UInt32(bytes.count)
        bytes += Array(name.utf8) + [0]
        return offset
    }
}
